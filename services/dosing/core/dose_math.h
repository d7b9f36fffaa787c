// Dose arithmetic: the dosing weight (actual, ideal or adjusted body weight),
// conversions between mg/kg/h, mg/h and mL/h, and the pump's rate resolution.
#ifndef KIP_SERVICES_DOSING_CORE_DOSE_MATH_H_
#define KIP_SERVICES_DOSING_CORE_DOSE_MATH_H_

#include <string>

#include "absl/status/statusor.h"
#include "kip/dosing/v1/dosing.pb.h"

namespace kip::dosing {

inline constexpr double kDefaultPumpResolutionMlPerH = 0.1;

struct DosingWeight {
  double kg = 0;
  kip::common::v1::WeightBasis basis = kip::common::v1::ACTUAL;
  std::string formula;  // stated in responses
};

// Devine (1974): 50 kg (male) or 45.5 kg (female) + 2.3 kg per inch over
// 5 ft, i.e. + 0.9055 kg per cm over 152.4 cm.
double IdealBodyWeightKg(kip::common::v1::Sex sex, double height_cm);
// IBW + 0.4 x (actual - IBW) (the 0.4 factor: Pai & Paloucek, Ann
// Pharmacother 2000;34:1066-1069).
double AdjustedBodyWeightKg(double ideal_kg, double actual_kg);

// The basis is the request's, else the protocol's, else ACTUAL. IDEAL and
// ADJUSTED need height and sex. Field paths are under `path` ("patient").
absl::StatusOr<DosingWeight> ComputeDosingWeight(
    const v1::PatientDosingInput& patient,
    kip::common::v1::WeightBasis protocol_basis, const std::string& path);

inline double MgPerHFromMgPerKgPerH(double mg_per_kg_per_h, double weight_kg) {
  return mg_per_kg_per_h * weight_kg;
}
inline double MgPerKgPerHFromMgPerH(double mg_per_h, double weight_kg) {
  return mg_per_h / weight_kg;
}

struct PumpRate {
  double exact_ml_per_h = 0;
  double programmed_ml_per_h = 0;  // rounded down to the resolution
};

// mL/h at `concentration_mg_per_ml`, rounded *down* to `resolution_ml_per_h`
// so the pump never delivers more than the dose asked for.
PumpRate ToPumpRate(double rate_mg_per_h, double concentration_mg_per_ml,
                    double resolution_ml_per_h);

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_CORE_DOSE_MATH_H_
