#include "services/dosing/core/program_check.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/error_details.h"
#include "services/common/status_macros.h"
#include "services/dosing/core/dose_math.h"

namespace kip::dosing {
namespace {

using kip::common::v1::CareArea;

bool Finite(double v) { return std::isfinite(v); }

absl::Status Invalid(const std::string& path, const std::string& message,
                     int ihe = 0) {
  return FieldError(absl::StatusCode::kInvalidArgument, path, message, "", ihe);
}

// Collects violations; the verdict is the strictest.
class Violations {
 public:
  void Add(v1::Severity severity, std::string limit, double value, double bound,
           std::string unit, int ihe = 0) {
    v1::Violation* v = response_.add_violations();
    v->set_severity(severity);
    v->set_limit(std::move(limit));
    v->set_value(value);
    v->set_bound(bound);
    v->set_unit(std::move(unit));
    v->set_ihe_pcd_code(ihe ? ihe : (severity == v1::HARD ? kIheHardLimit : 0));
  }
  void Above(v1::Severity s, const std::string& limit, double value,
             double bound, const std::string& unit, int ihe = 0) {
    // A relative tolerance keeps 0.35 x 70 / 70 from exceeding 0.35.
    if (value > bound * (1 + 1e-9) + 1e-12)
      Add(s, limit, value, bound, unit, ihe);
  }
  void Below(v1::Severity s, const std::string& limit, double value,
             double bound, const std::string& unit) {
    if (value < bound * (1 - 1e-9) - 1e-12) Add(s, limit, value, bound, unit);
  }
  v1::ValidateProgramResponse& response() { return response_; }

 private:
  v1::ValidateProgramResponse response_;
};

}  // namespace

absl::StatusOr<const v1::Protocol*> FindProtocol(
    const ProtocolLibrary& library, const std::string& protocol_id) {
  const v1::Protocol* protocol = library.Find(protocol_id);
  if (protocol == nullptr) {
    return Invalid(
        "protocol_id",
        absl::StrCat("'", protocol_id.substr(0, 80), "' is not in the library ",
                     library.version().version()),
        kIheNotInLibrary);
  }
  return protocol;
}

absl::StatusOr<const v1::CareAreaLimits*> CheckCareArea(
    const ProtocolLibrary& library, const v1::Protocol& protocol,
    CareArea area) {
  if (area == kip::common::v1::CARE_AREA_UNSPECIFIED ||
      !kip::common::v1::CareArea_IsValid(area)) {
    return Invalid("care_area",
                   "is required (OUTPATIENT_PAIN, INPATIENT_WARD or ICU)",
                   kIheCareAreaMismatch);
  }
  const v1::CareAreaLimits* limits = library.Limits(area);
  const bool allowed =
      std::find(protocol.care_areas().begin(), protocol.care_areas().end(),
                area) != protocol.care_areas().end();
  if (limits == nullptr || !allowed) {
    return FieldError(
        absl::StatusCode::kFailedPrecondition, "care_area",
        absl::StrCat("protocol ", protocol.id(), " does not run in ",
                     kip::common::v1::CareArea_Name(area)),
        "", kIheCareAreaMismatch);
  }
  return limits;
}

absl::Status CheckConcentration(const v1::Protocol& protocol,
                                double concentration) {
  if (!Finite(concentration) || concentration <= 0) {
    return Invalid(
        "concentration_mg_per_ml",
        absl::StrCat(concentration, " is not a concentration (> 0 mg/mL)"),
        kIheUnitsMismatch);
  }
  for (double allowed : protocol.allowed_concentrations_mg_per_ml()) {
    if (std::fabs(allowed - concentration) < 1e-12) return absl::OkStatus();
  }
  std::string list;
  for (double allowed : protocol.allowed_concentrations_mg_per_ml()) {
    absl::StrAppend(&list, list.empty() ? "" : ", ", allowed);
  }
  return Invalid("concentration_mg_per_ml",
                 absl::StrCat(concentration, " mg/mL is not one protocol ",
                              protocol.id(), " allows (", list, " mg/mL)"),
                 kIheNotInLibrary);
}

absl::StatusOr<double> PumpResolution(double requested) {
  if (requested == 0) return kDefaultPumpResolutionMlPerH;
  if (!Finite(requested) || requested < 0.001 || requested > 10) {
    return Invalid("pump_rate_resolution_ml_per_h",
                   absl::StrCat(requested, " is outside 0.001..10 mL/h"));
  }
  return requested;
}

absl::StatusOr<v1::ValidateProgramResponse> ValidateProgram(
    const ProtocolLibrary& library, const v1::ValidateProgramRequest& request,
    CumulativeDoseSource* doses, absl::Time now) {
  KIP_ASSIGN_OR_RETURN(protocol, FindProtocol(library, request.protocol_id()));
  if (request.has_expected_library() &&
      (request.expected_library().version() != library.version().version() ||
       request.expected_library().content_sha256() !=
           library.version().content_sha256())) {
    return FieldError(
        absl::StatusCode::kFailedPrecondition, "expected_library",
        absl::StrCat("the program was made with library ",
                     request.expected_library().version(), " (",
                     request.expected_library().content_sha256(),
                     "), the server has ", library.version().version(), " (",
                     library.version().content_sha256(), "); re-plan"),
        "", kIheStaleProgram);
  }
  KIP_ASSIGN_OR_RETURN(limits,
                       CheckCareArea(library, *protocol, request.care_area()));
  KIP_RETURN_IF_ERROR(
      CheckConcentration(*protocol, request.concentration_mg_per_ml()));
  KIP_ASSIGN_OR_RETURN(resolution,
                       PumpResolution(request.pump_rate_resolution_ml_per_h()));
  KIP_ASSIGN_OR_RETURN(
      weight, ComputeDosingWeight(request.patient(), protocol->weight_basis(),
                                  "patient"));
  if (!request.has_program()) return Invalid("program", "is required");
  const v1::PumpProgram& program = request.program();
  if (!Finite(program.rate_mg_per_h()) || program.rate_mg_per_h() < 0) {
    return Invalid(
        "program.rate_mg_per_h",
        absl::StrCat(program.rate_mg_per_h(), " is not a rate (>= 0 mg/h)"));
  }
  if (!Finite(program.duration_min()) || program.duration_min() <= 0 ||
      program.duration_min() > 14 * 24 * 60) {
    return Invalid(
        "program.duration_min",
        absl::StrCat(program.duration_min(), " is outside (0, 20160] min"));
  }
  if (!Finite(program.bolus_mg()) || program.bolus_mg() < 0) {
    return Invalid(
        "program.bolus_mg",
        absl::StrCat(program.bolus_mg(), " is not a dose (>= 0 mg)"));
  }

  // The cumulative dose: asked before anything is approved, fail closed.
  v1::CumulativeDose already;
  if (!request.session_id().empty()) {
    if (doses == nullptr) {
      return absl::UnavailableError(
          "cumulative dose unknown: no sessions service configured; refusing "
          "to approve");
    }
    const absl::Time as_of =
        request.has_as_of()
            ? absl::FromUnixMicros(
                  google::protobuf::util::TimeUtil::TimestampToMicroseconds(
                      request.as_of()))
            : now;
    absl::StatusOr<v1::CumulativeDose> received = doses->AlreadyReceived(
        request.session_id(), request.course_id(), as_of);
    if (!received.ok()) {
      if (absl::IsNotFound(received.status()) ||
          absl::IsInvalidArgument(received.status())) {
        return absl::FailedPreconditionError(
            absl::StrCat("session_id: the sessions service does not know it: ",
                         received.status().message()));
      }
      return absl::UnavailableError(
          absl::StrCat("cumulative dose unknown (sessions service: ",
                       received.status().message(), "); refusing to approve"));
    }
    already = *received;
  }

  Violations violations;
  const double w = weight.kg;
  const double rate_mg_per_h = program.rate_mg_per_h();
  const double rate_mg_per_kg_per_h = rate_mg_per_h / w;
  const double hours = program.duration_min() / 60.0;
  const double program_mg = rate_mg_per_h * hours + program.bolus_mg();

  // Hard: the drug library.
  const auto& drug = library.drug_library();
  if (request.patient().weight_kg() < drug.min_dosing_weight_kg()) {
    violations.Add(v1::HARD, "drug_library.dosing_weight_min",
                   request.patient().weight_kg(), drug.min_dosing_weight_kg(),
                   "kg", kIheWeightMismatch);
  }
  violations.Above(v1::HARD, "drug_library.dosing_weight_max",
                   request.patient().weight_kg(), drug.max_dosing_weight_kg(),
                   "kg", kIheWeightMismatch);
  violations.Above(v1::HARD, "drug_library.continuous_rate_max",
                   rate_mg_per_kg_per_h,
                   limits->continuous_rate_max_mg_per_kg_per_h(), "mg/kg/h");
  violations.Above(v1::HARD, "drug_library.bolus_max", program.bolus_mg() / w,
                   limits->bolus_max_mg_per_kg(), "mg/kg");
  const double session_hours = Hours(protocol->session_duration());
  const double rate_max_mg_per_h =
      limits->continuous_rate_max_mg_per_kg_per_h() * w;
  // Totals: the site's, or the rate maximum over the time.
  auto total_max = [&](double site_mg_per_kg, double derived_mg) {
    return site_mg_per_kg > 0 ? site_mg_per_kg * w : derived_mg;
  };
  const double session_max_mg =
      total_max(limits->session_total_max_mg_per_kg(),
                rate_max_mg_per_h * std::max(session_hours, hours));
  const double day_max_mg =
      total_max(limits->per_24h_total_max_mg_per_kg(), rate_max_mg_per_h * 24);
  const double course_max_mg =
      total_max(limits->course_total_max_mg_per_kg(),
                rate_max_mg_per_h * std::max(session_hours, hours) *
                    protocol->sessions_per_course());
  violations.Above(v1::HARD, "drug_library.session_total_max",
                   already.session_mg() + program_mg, session_max_mg, "mg");
  violations.Above(v1::HARD, "drug_library.per_24h_total_max",
                   already.last_24h_mg() +
                       rate_mg_per_h * std::min(hours, 24.0) +
                       program.bolus_mg(),
                   day_max_mg, "mg");
  violations.Above(v1::HARD, "drug_library.course_total_max",
                   already.course_mg() + program_mg, course_max_mg, "mg");

  // Soft: the protocol.
  const v1::RateRange& range = protocol->rate();
  const bool per_kg = range.unit() == v1::MG_PER_KG_PER_H;
  const double rate_in_unit = per_kg ? rate_mg_per_kg_per_h : rate_mg_per_h;
  const std::string unit = per_kg ? "mg/kg/h" : "mg/h";
  violations.Below(v1::SOFT, "protocol.rate_min", rate_in_unit, range.min(),
                   unit);
  violations.Above(v1::SOFT, "protocol.rate_max", rate_in_unit, range.max(),
                   unit);
  violations.Above(v1::SOFT, "protocol.session_duration",
                   program.duration_min(), session_hours * 60, "min");
  if (protocol->has_min_session_duration()) {
    violations.Below(v1::SOFT, "protocol.min_session_duration",
                     program.duration_min(),
                     Hours(protocol->min_session_duration()) * 60, "min");
  }
  if (protocol->dosing_mode() == v1::TOTAL_OVER_DURATION) {
    violations.Above(v1::SOFT, "protocol.total_dose", program_mg,
                     protocol->total_dose_mg(), "mg");
  }
  violations.Above(v1::SOFT, "protocol.bolus", program.bolus_mg(), 0, "mg");

  v1::ValidateProgramResponse response = std::move(violations.response());
  *response.mutable_library() = library.version();
  bool hard = false, soft = false;
  for (const v1::Violation& v : response.violations()) {
    hard |= v.severity() == v1::HARD;
    soft |= v.severity() == v1::SOFT;
  }
  response.set_verdict(hard ? v1::HARD_LIMIT : soft ? v1::SOFT_LIMIT : v1::OK);
  const v1::Override& override_request = request.override();
  const bool override_complete = !override_request.clinician_id().empty() &&
                                 (!override_request.reason_code().empty() ||
                                  !override_request.reason_text().empty());
  response.set_approved(!hard && (!soft || override_complete));
  if (!hard && soft && override_complete) {
    *response.mutable_accepted_override() = override_request;
  }
  response.set_dosing_weight_kg(w);
  response.set_rate_mg_per_kg_per_h(rate_mg_per_kg_per_h);
  const PumpRate pump =
      ToPumpRate(rate_mg_per_h, request.concentration_mg_per_ml(), resolution);
  response.set_rate_ml_per_h(pump.programmed_ml_per_h);
  response.set_rate_ml_per_h_exact(pump.exact_ml_per_h);
  *response.mutable_already_received() = already;
  return response;
}

}  // namespace kip::dosing
