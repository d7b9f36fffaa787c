#include "services/dosing/core/dose_math.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/error_details.h"

namespace kip::dosing {

using kip::common::v1::WeightBasis;

double IdealBodyWeightKg(kip::common::v1::Sex sex, double height_cm) {
  const double base_kg = sex == kip::common::v1::MALE ? 50.0 : 45.5;
  return base_kg + 2.3 * (height_cm - 152.4) / 2.54;
}

double AdjustedBodyWeightKg(double ideal_kg, double actual_kg) {
  return ideal_kg + 0.4 * (actual_kg - ideal_kg);
}

absl::StatusOr<DosingWeight> ComputeDosingWeight(
    const v1::PatientDosingInput& patient, WeightBasis protocol_basis,
    const std::string& path) {
  const double actual = patient.weight_kg();
  if (!std::isfinite(actual) || actual <= 0) {
    return FieldError(absl::StatusCode::kInvalidArgument, path + ".weight_kg",
                      absl::StrCat(actual, " is not a body weight"), "> 0 kg",
                      9019);
  }
  WeightBasis basis = patient.weight_basis();
  if (basis == kip::common::v1::WEIGHT_BASIS_UNSPECIFIED)
    basis = protocol_basis;
  if (basis == kip::common::v1::WEIGHT_BASIS_UNSPECIFIED)
    basis = kip::common::v1::ACTUAL;
  DosingWeight weight;
  weight.basis = basis;
  if (basis == kip::common::v1::ACTUAL) {
    weight.kg = actual;
    weight.formula = absl::StrFormat("actual body weight %.1f kg", actual);
    return weight;
  }
  const double height = patient.height_cm();
  if (!std::isfinite(height) || height < 100 || height > 250) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ".height_cm: ", height, " is outside 100..250 cm (needed for ",
        kip::common::v1::WeightBasis_Name(basis), " body weight)"));
  }
  const auto sex = patient.sex();
  if (sex != kip::common::v1::MALE && sex != kip::common::v1::FEMALE) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".sex: FEMALE or MALE is required for ",
                     kip::common::v1::WeightBasis_Name(basis), " body weight"));
  }
  const double ideal = IdealBodyWeightKg(sex, height);
  const std::string ideal_formula = absl::StrFormat(
      "ideal body weight (Devine 1974) = %s kg + 2.3 kg x (%.1f cm - 152.4 cm) "
      "/ 2.54 = %.2f kg",
      sex == kip::common::v1::MALE ? "50" : "45.5", height, ideal);
  if (basis == kip::common::v1::IDEAL) {
    weight.kg = ideal;
    weight.formula = ideal_formula;
  } else {
    weight.kg = AdjustedBodyWeightKg(ideal, actual);
    weight.formula = absl::StrFormat(
        "adjusted body weight = IBW + 0.4 x (actual - IBW) = %.2f + 0.4 x "
        "(%.1f - %.2f) = "
        "%.2f kg; %s",
        ideal, actual, ideal, weight.kg, ideal_formula);
  }
  if (!(weight.kg > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".height_cm: gives a non-positive ",
                     kip::common::v1::WeightBasis_Name(basis), " body weight"));
  }
  return weight;
}

PumpRate ToPumpRate(double rate_mg_per_h, double concentration_mg_per_ml,
                    double resolution_ml_per_h) {
  PumpRate rate;
  rate.exact_ml_per_h = rate_mg_per_h / concentration_mg_per_ml;
  // The small tolerance keeps 12.8 / 0.1 = 127.99999... from losing a step.
  const double steps =
      std::floor(rate.exact_ml_per_h / resolution_ml_per_h + 1e-9);
  rate.programmed_ml_per_h = steps * resolution_ml_per_h;
  // Present the programmed value at the resolution's precision.
  const double scale = std::round(1.0 / resolution_ml_per_h);
  if (scale >= 1 && std::fabs(scale * resolution_ml_per_h - 1) < 1e-12) {
    rate.programmed_ml_per_h =
        std::round(rate.programmed_ml_per_h * scale) / scale;
  }
  return rate;
}

}  // namespace kip::dosing
