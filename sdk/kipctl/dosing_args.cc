#include "sdk/kipctl/dosing_args.h"

#include <cstdio>
#include <functional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kip::kipctl {

namespace v1 = kip::dosing::v1;

const std::set<std::string>& PatientOptions() {
  static const auto* const kOptions = new std::set<std::string>{
      "weight-kg", "height-cm", "sex", "weight-basis", "care-area"};
  return *kOptions;
}

absl::StatusOr<kip::common::v1::CareArea> CareAreaFromArgs(const Args& args) {
  const std::string name =
      absl::AsciiStrToUpper(args.Get("care-area", "OUTPATIENT_PAIN"));
  kip::common::v1::CareArea area = kip::common::v1::CARE_AREA_UNSPECIFIED;
  if (!kip::common::v1::CareArea_Parse(name, &area) ||
      area == kip::common::v1::CARE_AREA_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("--care-area: '", args.Get("care-area"),
                     "' is not OUTPATIENT_PAIN, INPATIENT_WARD or ICU"));
  }
  return area;
}

absl::StatusOr<v1::PatientDosingInput> PatientFromArgs(const Args& args) {
  v1::PatientDosingInput patient;
  absl::StatusOr<double> weight = args.Number("weight-kg");
  if (!weight.ok()) return weight.status();
  patient.set_weight_kg(*weight);
  if (args.Has("height-cm")) {
    absl::StatusOr<double> height = args.Number("height-cm");
    if (!height.ok()) return height.status();
    patient.set_height_cm(*height);
  }
  if (args.Has("sex")) {
    const std::string sex = absl::AsciiStrToUpper(args.Get("sex"));
    if (sex != "F" && sex != "M") {
      return absl::InvalidArgumentError(
          absl::StrCat("--sex: '", args.Get("sex"), "' is not F or M"));
    }
    patient.set_sex(sex == "F" ? kip::common::v1::FEMALE
                               : kip::common::v1::MALE);
  }
  if (args.Has("weight-basis")) {
    kip::common::v1::WeightBasis basis =
        kip::common::v1::WEIGHT_BASIS_UNSPECIFIED;
    if (!kip::common::v1::WeightBasis_Parse(
            absl::AsciiStrToUpper(args.Get("weight-basis")), &basis) ||
        basis == kip::common::v1::WEIGHT_BASIS_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          "--weight-basis: is not ACTUAL, IDEAL or ADJUSTED");
    }
    patient.set_weight_basis(basis);
  }
  return patient;
}

nlohmann::json BoundWeightJson(const v1::BoundWeight& weight) {
  return {{"kg", weight.kg()},
          {"basis", kip::common::v1::WeightBasis_Name(weight.basis())},
          {"reason", weight.reason()}};
}

std::string BoundWeightText(const v1::BoundWeight& weight) {
  return absl::StrFormat("%.1f kg %s", weight.kg(),
                         kip::common::v1::WeightBasis_Name(weight.basis()));
}

const std::set<std::string>& ProgramOptions() {
  static const auto* const kOptions =
      new std::set<std::string>{"protocol",
                                "weight-kg",
                                "concentration-mg-per-ml",
                                "rate-mg-per-h",
                                "duration-min",
                                "care-area",
                                "override-reason",
                                "clinician",
                                "height-cm",
                                "sex",
                                "weight-basis",
                                "bolus-mg"};
  return *kOptions;
}

absl::StatusOr<v1::ValidateProgramRequest> ProgramFromArgs(const Args& args) {
  v1::ValidateProgramRequest request;
  auto protocol = args.Required("protocol");
  if (!protocol.ok()) return protocol.status();
  request.set_protocol_id(*protocol);
  auto patient = PatientFromArgs(args);
  if (!patient.ok()) return patient.status();
  *request.mutable_patient() = *patient;
  for (auto [option, setter] :
       std::vector<std::pair<std::string, std::function<void(double)>>>{
           {"concentration-mg-per-ml",
            [&](double v) { request.set_concentration_mg_per_ml(v); }},
           {"rate-mg-per-h",
            [&](double v) { request.mutable_program()->set_rate_mg_per_h(v); }},
           {"duration-min", [&](double v) {
              request.mutable_program()->set_duration_min(v);
            }}}) {
    auto value = args.Number(option);
    if (!value.ok()) return value.status();
    setter(*value);
  }
  auto bolus = args.NumberOr("bolus-mg", 0);
  if (!bolus.ok()) return bolus.status();
  request.mutable_program()->set_bolus_mg(*bolus);
  auto area = CareAreaFromArgs(args);
  if (!area.ok()) return area.status();
  request.set_care_area(*area);
  if (args.Has("override-reason") != args.Has("clinician")) {
    return absl::InvalidArgumentError(
        "--override-reason and --clinician: an override needs both");
  }
  if (args.Has("override-reason")) {
    request.mutable_override()->set_reason_text(args.Get("override-reason"));
    request.mutable_override()->set_clinician_id(args.Get("clinician"));
  }
  return request;
}

nlohmann::json VerdictJson(const v1::ValidateProgramResponse& response) {
  nlohmann::json out = {
      {"verdict", v1::Verdict_Name(response.verdict())},
      {"violations", nlohmann::json::array()},
      {"approved", response.approved()},
      {"dosing_weight_kg", response.dosing_weight_kg()},
      {"rate_mg_per_kg_per_h", response.rate_mg_per_kg_per_h()},
      {"rate_ml_per_h", response.rate_ml_per_h()},
      {"rate_ml_per_h_exact", response.rate_ml_per_h_exact()},
      {"library_version", response.library().version()},
      {"library_hash", response.library().content_sha256()},
      {"hard_limit_weight", BoundWeightJson(response.hard_limit_weight())}};
  for (const auto& v : response.violations()) {
    nlohmann::json violation = {{"severity", v1::Severity_Name(v.severity())},
                                {"limit", v.limit()},
                                {"value", v.value()},
                                {"bound", v.bound()},
                                {"unit", v.unit()},
                                {"ihe_pcd_code", v.ihe_pcd_code()}};
    if (v.has_weight()) violation["weight"] = BoundWeightJson(v.weight());
    out["violations"].push_back(violation);
  }
  return out;
}

void PrintVerdict(const v1::ValidateProgramResponse& response) {
  std::printf("%s%s: %.3f mg/kg/h, %.1f mL/h (exact %.4f)\n",
              v1::Verdict_Name(response.verdict()).c_str(),
              response.approved() ? " (approved)" : " (not approved)",
              response.rate_mg_per_kg_per_h(), response.rate_ml_per_h(),
              response.rate_ml_per_h_exact());
  for (const auto& v : response.violations()) {
    std::printf(
        "  %s %s: %g %s, bound %g%s\n", v1::Severity_Name(v.severity()).c_str(),
        v.limit().c_str(), v.value(), v.unit().c_str(), v.bound(),
        v.has_weight()
            ? absl::StrCat(" (on ", BoundWeightText(v.weight()), ")").c_str()
            : "");
  }
}

}  // namespace kip::kipctl
