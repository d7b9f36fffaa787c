#include "services/dosing/core/program_check.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/time_util.h"
#include "services/common/error_details.h"
#include "services/dosing/core/dose_limits.h"
#include "services/dosing/core/dose_math.h"

namespace kip::dosing {
namespace {

absl::Status Invalid(const std::string& path, const std::string& message) {
  return FieldError(absl::StatusCode::kInvalidArgument, path, message);
}

absl::Status CheckLibraryIsCurrent(const ProtocolLibrary& library,
                                   const v1::ValidateProgramRequest& request) {
  if (!request.has_expected_library()) return absl::OkStatus();
  const auto& expected = request.expected_library();
  const auto& current = library.version();
  if (expected.version() == current.version() &&
      expected.content_sha256() == current.content_sha256()) {
    return absl::OkStatus();
  }
  return FieldError(
      absl::StatusCode::kFailedPrecondition, "expected_library",
      absl::StrCat("the program was made with library ", expected.version(),
                   " (", expected.content_sha256(), "), the server has ",
                   current.version(), " (", current.content_sha256(),
                   "); re-plan"),
      "", kIheStaleProgram);
}

absl::StatusOr<ProgramDose> CheckProgram(
    const v1::ValidateProgramRequest& request) {
  if (!request.has_program()) return Invalid("program", "is required");
  const v1::PumpProgram& program = request.program();
  if (!std::isfinite(program.rate_mg_per_h()) || program.rate_mg_per_h() < 0) {
    return Invalid(
        "program.rate_mg_per_h",
        absl::StrCat(program.rate_mg_per_h(), " is not a rate (>= 0 mg/h)"));
  }
  if (!std::isfinite(program.duration_min()) || program.duration_min() <= 0 ||
      program.duration_min() > 14 * 24 * 60) {
    return Invalid(
        "program.duration_min",
        absl::StrCat(program.duration_min(), " is outside (0, 20160] min"));
  }
  if (!std::isfinite(program.bolus_mg()) || program.bolus_mg() < 0) {
    return Invalid(
        "program.bolus_mg",
        absl::StrCat(program.bolus_mg(), " is not a dose (>= 0 mg)"));
  }
  return ProgramDose{program.rate_mg_per_h(), program.duration_min(),
                     program.bolus_mg()};
}

// What the running session already received: asked before anything is
// approved, failing closed.
absl::StatusOr<v1::CumulativeDose> AlreadyReceived(
    const v1::ValidateProgramRequest& request, CumulativeDoseSource* doses,
    absl::Time now) {
  if (request.session_id().empty()) return v1::CumulativeDose();
  if (doses == nullptr) {
    return absl::UnavailableError(
        "cumulative dose unknown: no sessions service configured; refusing "
        "to approve");
  }
  const absl::Time as_of =
      request.has_as_of() ? TimeFromProto(request.as_of()) : now;
  absl::StatusOr<v1::CumulativeDose> received =
      doses->AlreadyReceived(request.session_id(), request.course_id(), as_of);
  if (received.ok()) return received;
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

// The strictest violation decides; a soft one passes only with a complete
// override.
void SetVerdict(const v1::Override& override_request,
                v1::ValidateProgramResponse* response) {
  bool hard = false, soft = false;
  for (const v1::Violation& v : response->violations()) {
    hard |= v.severity() == v1::HARD;
    soft |= v.severity() == v1::SOFT;
  }
  response->set_verdict(hard ? v1::HARD_LIMIT : soft ? v1::SOFT_LIMIT : v1::OK);
  const bool override_complete = !override_request.clinician_id().empty() &&
                                 (!override_request.reason_code().empty() ||
                                  !override_request.reason_text().empty());
  response->set_approved(!hard && (!soft || override_complete));
  if (!hard && soft && override_complete) {
    *response->mutable_accepted_override() = override_request;
  }
}

DosingInputs InputsOf(const v1::ValidateProgramRequest& request) {
  DosingInputs inputs = CommonInputs(request);
  inputs.pump_rate_resolution_ml_per_h =
      request.pump_rate_resolution_ml_per_h();
  return inputs;
}

}  // namespace

absl::StatusOr<v1::ValidateProgramResponse> ValidateProgram(
    const ProtocolLibrary& library, const v1::ValidateProgramRequest& request,
    CumulativeDoseSource* doses, absl::Time now) {
  KIP_RETURN_IF_ERROR(FindProtocol(library, request.protocol_id()).status());
  KIP_RETURN_IF_ERROR(CheckLibraryIsCurrent(library, request));
  KIP_ASSIGN_OR_RETURN(context,
                       ResolveDosingContext(library, InputsOf(request)));
  KIP_ASSIGN_OR_RETURN(program, CheckProgram(request));
  KIP_ASSIGN_OR_RETURN(already, AlreadyReceived(request, doses, now));

  const DoseLimits limits(context);
  v1::ValidateProgramResponse response;
  limits.AddHardViolations(program, already, &response);
  limits.AddSoftViolations(program, &response);
  SetVerdict(request.override(), &response);

  *response.mutable_library() = library.version();
  response.set_dosing_weight_kg(context.dosing_weight.kg);
  response.set_rate_mg_per_kg_per_h(
      limits.DosingMgPerKgPerH(program.rate_mg_per_h));
  const PumpRate pump =
      ToPumpRate(program.rate_mg_per_h, context.concentration_mg_per_ml,
                 context.pump_resolution_ml_per_h);
  response.set_rate_ml_per_h(pump.programmed_ml_per_h);
  response.set_rate_ml_per_h_exact(pump.exact_ml_per_h);
  *response.mutable_already_received() = already;
  *response.mutable_hard_limit_weight() = limits.hard_weight();
  return response;
}

}  // namespace kip::dosing
