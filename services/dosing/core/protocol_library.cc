#include "services/dosing/core/protocol_library.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/digest.h"
#include "base/file_util.h"
#include "base/status_macros.h"

namespace kip::dosing {
namespace {

using kip::common::v1::CareArea;

class CollectErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors.push_back(
        absl::StrCat("line ", line + 1, ":", column + 1, ": ", message));
  }
  std::vector<std::string> errors;
};

template <typename Proto>
absl::StatusOr<Proto> ParseTextFile(const std::string& path) {
  KIP_ASSIGN_OR_RETURN(text, ReadFileToString(path));
  Proto proto;
  CollectErrors errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &proto)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", absl::StrJoin(errors.errors, "; ")));
  }
  return proto;
}

absl::Status Bad(const std::string& source, const std::string& field,
                 const std::string& message) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": ", field, ": ", message));
}

bool Finite(double v) { return std::isfinite(v); }

std::string Canonical(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

absl::Status ValidateDrugLibrary(const v1::DrugLibrary& d,
                                 const std::string& src) {
  if (d.drug().empty()) return Bad(src, "drug", "is required");
  if (d.version().empty()) return Bad(src, "version", "is required");
  if (!(d.min_dosing_weight_kg() > 0) ||
      !(d.max_dosing_weight_kg() > d.min_dosing_weight_kg()) ||
      !Finite(d.max_dosing_weight_kg())) {
    return Bad(src, "min_dosing_weight_kg", "needs 0 < min < max, finite");
  }
  if (d.concentrations_mg_per_ml().empty()) {
    return Bad(src, "concentrations_mg_per_ml",
               "needs at least one concentration");
  }
  for (int i = 0; i < d.concentrations_mg_per_ml_size(); ++i) {
    const double c = d.concentrations_mg_per_ml(i);
    if (!(c > 0) || !Finite(c)) {
      return Bad(src, absl::StrCat("concentrations_mg_per_ml[", i, "]"),
                 "must be > 0");
    }
  }
  if (d.citations().empty())
    return Bad(src, "citations", "needs at least one source");
  std::vector<int> seen;
  for (int i = 0; i < d.care_areas_size(); ++i) {
    const v1::CareAreaLimits& l = d.care_areas(i);
    const std::string at = absl::StrCat("care_areas[", i, "]");
    if (l.care_area() == kip::common::v1::CARE_AREA_UNSPECIFIED) {
      return Bad(src, at + ".care_area", "is required");
    }
    if (std::count(seen.begin(), seen.end(), l.care_area())) {
      return Bad(src, at + ".care_area", "appears twice");
    }
    seen.push_back(l.care_area());
    for (auto [name, value] :
         {std::pair{"continuous_rate_max_mg_per_kg_per_h",
                    l.continuous_rate_max_mg_per_kg_per_h()},
          std::pair{"bolus_max_mg_per_kg", l.bolus_max_mg_per_kg()}}) {
      if (!(value > 0) || !Finite(value))
        return Bad(src, at + "." + name, "must be > 0");
    }
    for (auto [name, value] : {std::pair{"session_total_max_mg_per_kg",
                                         l.session_total_max_mg_per_kg()},
                               std::pair{"per_24h_total_max_mg_per_kg",
                                         l.per_24h_total_max_mg_per_kg()},
                               std::pair{"course_total_max_mg_per_kg",
                                         l.course_total_max_mg_per_kg()}}) {
      if (!(value >= 0) || !Finite(value))
        return Bad(src, at + "." + name, "must be >= 0");
    }
    if (l.citations().empty())
      return Bad(src, at + ".citations", "needs a source");
  }
  if (seen.empty())
    return Bad(src, "care_areas", "needs at least one care area");
  return absl::OkStatus();
}

absl::Status ValidateProtocol(const v1::Protocol& p, const v1::DrugLibrary& d,
                              const std::string& src) {
  if (p.id().empty()) return Bad(src, "id", "is required");
  if (p.title().empty()) return Bad(src, "title", "is required");
  if (p.citations().empty())
    return Bad(src, "citations", "needs at least one source");
  const v1::RateRange& r = p.rate();
  const bool weight_based = p.dosing_mode() == v1::WEIGHT_BASED_RATE ||
                            p.dosing_mode() == v1::LOADING_DOSE;
  if (p.dosing_mode() == v1::DOSING_MODE_UNSPECIFIED) {
    return Bad(src, "dosing_mode", "is required");
  }
  const v1::RateUnit expected_unit =
      weight_based ? v1::MG_PER_KG_PER_H : v1::MG_PER_H;
  if (r.unit() != expected_unit) {
    return Bad(src, "rate.unit",
               absl::StrCat("must be ", v1::RateUnit_Name(expected_unit),
                            " for ", v1::DosingMode_Name(p.dosing_mode())));
  }
  for (auto [name, value] :
       {std::pair{"rate.start", r.start()}, std::pair{"rate.min", r.min()},
        std::pair{"rate.max", r.max()},
        std::pair{"rate.titration_step", r.titration_step()}}) {
    if (!(value >= 0) || !Finite(value))
      return Bad(src, name, "must be a finite number >= 0");
  }
  if (!(r.min() <= r.start() && r.start() <= r.max()) || !(r.max() > 0)) {
    return Bad(src, "rate",
               absl::StrCat("needs 0 <= min <= start <= max, max > 0; got ",
                            r.min(), " <= ", r.start(), " <= ", r.max()));
  }
  if ((p.dosing_mode() == v1::TOTAL_OVER_DURATION) != (p.total_dose_mg() > 0)) {
    return Bad(src, "total_dose_mg",
               "is required (> 0) exactly for TOTAL_OVER_DURATION");
  }
  if ((p.dosing_mode() == v1::LOADING_DOSE) !=
      (p.loading_dose_mg_per_kg() > 0)) {
    return Bad(src, "loading_dose_mg_per_kg",
               "is required (> 0) exactly for LOADING_DOSE");
  }
  if (!(Hours(p.session_duration()) > 0))
    return Bad(src, "session_duration", "must be > 0");
  if (Hours(p.min_session_duration()) > Hours(p.session_duration())) {
    return Bad(src, "min_session_duration", "exceeds session_duration");
  }
  if (p.sessions_per_course() < 1)
    return Bad(src, "sessions_per_course", "must be >= 1");
  if (p.sessions_per_course() > 1 &&
      Hours(p.session_spacing()) < Hours(p.session_duration())) {
    return Bad(src, "session_spacing",
               "must be at least session_duration (start to start)");
  }
  if (p.allowed_concentrations_mg_per_ml().empty()) {
    return Bad(src, "allowed_concentrations_mg_per_ml",
               "needs at least one concentration");
  }
  for (int i = 0; i < p.allowed_concentrations_mg_per_ml_size(); ++i) {
    const double c = p.allowed_concentrations_mg_per_ml(i);
    if (std::find(d.concentrations_mg_per_ml().begin(),
                  d.concentrations_mg_per_ml().end(),
                  c) == d.concentrations_mg_per_ml().end()) {
      return Bad(src, absl::StrCat("allowed_concentrations_mg_per_ml[", i, "]"),
                 absl::StrCat(c, " mg/mL is not a drug-library concentration"));
    }
  }
  if (p.care_areas().empty())
    return Bad(src, "care_areas", "needs at least one care area");
  for (int i = 0; i < p.care_areas_size(); ++i) {
    const auto* limits = [&]() -> const v1::CareAreaLimits* {
      for (const auto& l : d.care_areas()) {
        if (l.care_area() == p.care_areas(i)) return &l;
      }
      return nullptr;
    }();
    const std::string at = absl::StrCat("care_areas[", i, "]");
    if (limits == nullptr) return Bad(src, at, "has no drug-library limits");
    if (weight_based &&
        r.max() > limits->continuous_rate_max_mg_per_kg_per_h()) {
      return Bad(
          src, "rate.max",
          absl::StrCat(r.max(), " mg/kg/h exceeds the drug-library maximum ",
                       limits->continuous_rate_max_mg_per_kg_per_h(),
                       " mg/kg/h in ",
                       kip::common::v1::CareArea_Name(p.care_areas(i))));
    }
  }
  for (int i = 0; i < p.stop_rules_size(); ++i) {
    const v1::StopRule& s = p.stop_rules(i);
    const std::string at = absl::StrCat("stop_rules[", i, "]");
    if (s.vital_sign() == v1::VITAL_SIGN_UNSPECIFIED)
      return Bad(src, at + ".vital_sign", "is required");
    if (s.has_critical_below() && s.has_warning_below() &&
        s.critical_below() > s.warning_below()) {
      return Bad(src, at + ".critical_below", "must not exceed warning_below");
    }
    if (s.has_critical_above() && s.has_warning_above() &&
        s.critical_above() < s.warning_above()) {
      return Bad(src, at + ".critical_above",
                 "must not be below warning_above");
    }
  }
  if (p.titration_target_pain_nrs() < 0 || p.titration_target_pain_nrs() > 10) {
    return Bad(src, "titration_target_pain_nrs", "must be within 0..10");
  }
  return absl::OkStatus();
}

}  // namespace

double Hours(const google::protobuf::Duration& duration) {
  return (duration.seconds() + duration.nanos() / 1e9) / 3600.0;
}

absl::StatusOr<ProtocolLibrary> ProtocolLibrary::LoadFromDirectory(
    const std::string& dir) {
  const std::string drug_path = dir + "/drug_library.textproto";
  KIP_ASSIGN_OR_RETURN(drug, ParseTextFile<v1::DrugLibrary>(drug_path));
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(dir + "/protocols", ec)) {
    if (absl::EndsWith(entry.path().string(), ".textproto")) {
      paths.push_back(entry.path().string());
    }
  }
  if (ec)
    return absl::NotFoundError(absl::StrCat(dir, "/protocols: ", ec.message()));
  std::sort(paths.begin(), paths.end());
  std::vector<v1::Protocol> protocols;
  for (const std::string& path : paths) {
    KIP_ASSIGN_OR_RETURN(protocol, ParseTextFile<v1::Protocol>(path));
    const std::string stem = std::filesystem::path(path).stem().string();
    if (protocol.id() != stem) {
      return Bad(
          path, "id",
          absl::StrCat("'", protocol.id(), "' differs from the file name"));
    }
    protocols.push_back(std::move(protocol));
  }
  return FromMessages(std::move(drug), std::move(protocols), paths);
}

absl::StatusOr<ProtocolLibrary> ProtocolLibrary::FromMessages(
    v1::DrugLibrary drug_library, std::vector<v1::Protocol> protocols,
    std::vector<std::string> sources) {
  KIP_RETURN_IF_ERROR(ValidateDrugLibrary(drug_library, "drug_library"));
  if (protocols.empty())
    return absl::InvalidArgumentError("the library has no protocols");
  ProtocolLibrary library;
  for (size_t i = 0; i < protocols.size(); ++i) {
    const std::string src = i < sources.size() ? sources[i] : protocols[i].id();
    KIP_RETURN_IF_ERROR(ValidateProtocol(protocols[i], drug_library, src));
    if (library.by_id_.count(protocols[i].id())) {
      return Bad(src, "id",
                 absl::StrCat("'", protocols[i].id(), "' appears twice"));
    }
    library.by_id_[protocols[i].id()] = i;
  }
  std::sort(protocols.begin(), protocols.end(),
            [](const auto& a, const auto& b) { return a.id() < b.id(); });
  library.by_id_.clear();
  // The hash covers the parsed content, so comments and layout do not count.
  std::string content = Canonical(drug_library);
  for (size_t i = 0; i < protocols.size(); ++i) {
    library.by_id_[protocols[i].id()] = i;
    const std::string bytes = Canonical(protocols[i]);
    absl::StrAppend(&content, "\n", protocols[i].id(), "\n", bytes.size(), "\n",
                    bytes);
  }
  library.version_.set_version(drug_library.version());
  library.version_.set_content_sha256(HexEncode(Sha256(content)));
  library.drug_library_ = std::move(drug_library);
  library.protocols_ = std::move(protocols);
  return library;
}

const v1::Protocol* ProtocolLibrary::Find(
    const std::string& protocol_id) const {
  auto it = by_id_.find(protocol_id);
  return it == by_id_.end() ? nullptr : &protocols_[it->second];
}

const v1::CareAreaLimits* ProtocolLibrary::Limits(
    kip::common::v1::CareArea area) const {
  for (const auto& limits : drug_library_.care_areas()) {
    if (limits.care_area() == area) return &limits;
  }
  return nullptr;
}

}  // namespace kip::dosing
