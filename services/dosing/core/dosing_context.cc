#include "services/dosing/core/dosing_context.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "services/common/error_details.h"

namespace kip::dosing {
namespace {

using kip::common::v1::CareArea;

absl::Status Invalid(const std::string& path, const std::string& message,
                     int ihe = 0) {
  return FieldError(absl::StatusCode::kInvalidArgument, path, message, "", ihe);
}

std::string CareAreaNames(const v1::Protocol& protocol) {
  std::vector<std::string> names;
  for (int area : protocol.care_areas()) {
    names.push_back(kip::common::v1::CareArea_Name(area));
  }
  return absl::StrJoin(names, ", ");
}

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
                   absl::StrCat("is required; protocol ", protocol.id(),
                                " runs in ", CareAreaNames(protocol)),
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
                     kip::common::v1::CareArea_Name(area), "; it runs in ",
                     CareAreaNames(protocol)),
        "", kIheCareAreaMismatch);
  }
  return limits;
}

absl::Status CheckConcentration(const v1::Protocol& protocol,
                                double concentration) {
  if (!std::isfinite(concentration) || concentration <= 0) {
    return Invalid(
        "concentration_mg_per_ml",
        absl::StrCat(concentration, " is not a concentration (> 0 mg/mL)"),
        kIheUnitsMismatch);
  }
  for (double allowed : protocol.allowed_concentrations_mg_per_ml()) {
    if (std::fabs(allowed - concentration) < 1e-12) return absl::OkStatus();
  }
  return Invalid(
      "concentration_mg_per_ml",
      absl::StrCat(
          concentration, " mg/mL is not one protocol ", protocol.id(),
          " allows (",
          absl::StrJoin(protocol.allowed_concentrations_mg_per_ml(), ", "),
          " mg/mL)"),
      kIheNotInLibrary);
}

absl::StatusOr<double> PumpResolution(double requested) {
  if (requested == 0) return kDefaultPumpResolutionMlPerH;
  if (!std::isfinite(requested) || requested < 0.001 || requested > 10) {
    return Invalid("pump_rate_resolution_ml_per_h",
                   absl::StrCat(requested, " is outside 0.001..10 mL/h"));
  }
  return requested;
}

absl::StatusOr<DosingContext> ResolveDosingContext(
    const ProtocolLibrary& library, const DosingInputs& inputs) {
  DosingContext context;
  KIP_ASSIGN_OR_RETURN(protocol, FindProtocol(library, inputs.protocol_id));
  context.protocol = protocol;
  KIP_ASSIGN_OR_RETURN(limits,
                       CheckCareArea(library, *protocol, inputs.care_area));
  context.care_area_limits = limits;
  context.care_area = inputs.care_area;
  context.drug_library = &library.drug_library();
  if (!inputs.concentration_optional || inputs.concentration_mg_per_ml != 0) {
    KIP_RETURN_IF_ERROR(
        CheckConcentration(*protocol, inputs.concentration_mg_per_ml));
    context.concentration_mg_per_ml = inputs.concentration_mg_per_ml;
  }
  KIP_ASSIGN_OR_RETURN(resolution,
                       PumpResolution(inputs.pump_rate_resolution_ml_per_h));
  context.pump_resolution_ml_per_h = resolution;
  KIP_ASSIGN_OR_RETURN(
      weight,
      ComputeDosingWeight(inputs.patient, protocol->weight_basis(), "patient"));
  context.dosing_weight = std::move(weight);
  context.actual_weight_kg = inputs.patient.weight_kg();
  return context;
}

}  // namespace kip::dosing
