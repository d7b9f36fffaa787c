// The context the dosing RPCs share, resolved and checked once per request:
// the protocol, the care area's drug-library limits, the actual and dosing
// weights, the concentration and the pump's rate resolution. Refusals carry
// the field path, the bound and an IHE PCD PIV code.
#ifndef KIP_SERVICES_DOSING_CORE_DOSING_CONTEXT_H_
#define KIP_SERVICES_DOSING_CORE_DOSING_CONTEXT_H_

#include <string>

#include "absl/status/statusor.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "services/dosing/core/dose_math.h"
#include "services/dosing/core/protocol_library.h"

namespace kip::dosing {

// IHE PCD PIV error codes mirrored in violations and errors.
inline constexpr int kIheUnitsMismatch = 9009;
inline constexpr int kIheNotInLibrary = 9010;
inline constexpr int kIheWeightMismatch = 9011;
inline constexpr int kIheWeightMissing = 9019;
inline constexpr int kIheCareAreaMismatch = 9021;
inline constexpr int kIheStaleProgram = 9022;
inline constexpr int kIheHardLimit = 9024;

// The request fields every dosing RPC carries.
struct DosingInputs {
  std::string protocol_id;
  v1::PatientDosingInput patient;
  kip::common::v1::CareArea care_area = kip::common::v1::CARE_AREA_UNSPECIFIED;
  double concentration_mg_per_ml = 0;
  // Titration may omit the concentration (then it proposes no mL/h).
  bool concentration_optional = false;
  double pump_rate_resolution_ml_per_h = 0;  // 0: the default
};

// The fields every dosing request spells alike (PlanCourse, ValidateProgram,
// ProposeTitration requests).
template <typename Request>
DosingInputs CommonInputs(const Request& request) {
  DosingInputs inputs;
  inputs.protocol_id = request.protocol_id();
  inputs.patient = request.patient();
  inputs.care_area = request.care_area();
  inputs.concentration_mg_per_ml = request.concentration_mg_per_ml();
  return inputs;
}

struct DosingContext {
  const v1::Protocol* protocol = nullptr;
  const v1::CareAreaLimits* care_area_limits = nullptr;
  const v1::DrugLibrary* drug_library = nullptr;
  kip::common::v1::CareArea care_area = kip::common::v1::CARE_AREA_UNSPECIFIED;
  double actual_weight_kg = 0;
  DosingWeight dosing_weight;
  double concentration_mg_per_ml = 0;  // 0 only when optional and not given
  double pump_resolution_ml_per_h = kDefaultPumpResolutionMlPerH;
};

// Checks the inputs in the order a user fixes them: protocol, care area,
// concentration, pump resolution, weights.
absl::StatusOr<DosingContext> ResolveDosingContext(
    const ProtocolLibrary& library, const DosingInputs& inputs);

// The single checks, for RPCs that need only one (GetProtocol).
absl::StatusOr<const v1::Protocol*> FindProtocol(
    const ProtocolLibrary& library, const std::string& protocol_id);
// FAILED_PRECONDITION naming the care areas the protocol allows.
absl::StatusOr<const v1::CareAreaLimits*> CheckCareArea(
    const ProtocolLibrary& library, const v1::Protocol& protocol,
    kip::common::v1::CareArea area);
absl::Status CheckConcentration(const v1::Protocol& protocol,
                                double concentration_mg_per_ml);
absl::StatusOr<double> PumpResolution(double requested_ml_per_h);

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_CORE_DOSING_CONTEXT_H_
