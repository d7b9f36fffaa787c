// Ketamine plasma concentration for any piecewise-constant rate schedule, with
// the Domino, Clements, Hijazi and Kamp models (CLINICAL.md). Each constant
// rate piece is solved exactly: the state (mg in each compartment) advances by
// the matrix exponential of the augmented linear system, not by steps of an
// integrator. A typical patient without variability; models differ ~2x.
#ifndef KIP_SERVICES_DOSING_CORE_PK_MODEL_H_
#define KIP_SERVICES_DOSING_CORE_PK_MODEL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kip/dosing/v1/dosing.pb.h"

namespace kip::dosing {

// stanpumpR's analgesic range for ketamine: 0.10-0.16 ug/mL.
inline constexpr double kAnalgesicLowNgPerMl = 100;
inline constexpr double kAnalgesicHighNgPerMl = 160;

struct PkParameters {
  int compartments = 3;
  double v1_l = 0;
  double k10 = 0, k12 = 0, k13 = 0, k21 = 0, k31 = 0;  // per minute
  // Derived (L, L/min), as stanpumpR reports them.
  double v2_l() const { return k21 > 0 ? v1_l * k12 / k21 : 0; }
  double v3_l() const { return k31 > 0 ? v1_l * k13 / k31 : 0; }
  double cl1_l_per_min() const { return v1_l * k10; }
  double cl2_l_per_min() const { return v1_l * k12; }
  double cl3_l_per_min() const { return v1_l * k13; }
};

absl::StatusOr<PkParameters> ModelParameters(v1::PkModel model,
                                             double weight_kg);
kip::common::v1::Citation ModelSource(v1::PkModel model);

// Plasma concentration (ng/mL) at each of `at_min`, from zero drug at minute
// 0. Overlapping pieces add. Inputs are validated with field paths.
absl::StatusOr<std::vector<double>> PredictPlasmaNgPerMl(
    const PkParameters& parameters,
    const std::vector<v1::InfusionPiece>& pieces,
    const std::vector<double>& at_min);

// The whole of PredictConcentration.
absl::StatusOr<v1::PredictConcentrationResponse> PredictConcentration(
    const v1::PredictConcentrationRequest& request);

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_CORE_PK_MODEL_H_
