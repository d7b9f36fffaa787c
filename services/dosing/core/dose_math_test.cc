#include "services/dosing/core/dose_math.h"

#include <random>

#include "gmock/gmock.h"

namespace kip::dosing {
namespace {

using kip::common::v1::FEMALE;
using kip::common::v1::MALE;

TEST(DoseMathTest, IdealAndAdjustedWeightsByHand) {
  // Male, 180 cm: 50 + 2.3 x (180 - 152.4) / 2.54 = 50 + 2.3 x 10.8661 = 74.992
  // kg.
  EXPECT_NEAR(IdealBodyWeightKg(MALE, 180), 74.992, 1e-3);
  // Female, 165 cm: 45.5 + 2.3 x 12.6 / 2.54 = 45.5 + 11.409 = 56.909 kg.
  EXPECT_NEAR(IdealBodyWeightKg(FEMALE, 165), 56.909, 1e-3);
  // Adjusted, actual 120 kg: 74.992 + 0.4 x (120 - 74.992) = 92.995 kg.
  EXPECT_NEAR(AdjustedBodyWeightKg(IdealBodyWeightKg(MALE, 180), 120), 92.995,
              1e-3);
}

TEST(DoseMathTest, TheBasisComesFromTheRequestThenTheProtocol) {
  v1::PatientDosingInput patient;
  patient.set_weight_kg(120);
  patient.set_height_cm(180);
  patient.set_sex(MALE);
  EXPECT_DOUBLE_EQ(
      ComputeDosingWeight(patient, kip::common::v1::ACTUAL, "patient")->kg,
      120);
  auto ideal = ComputeDosingWeight(patient, kip::common::v1::IDEAL, "patient");
  EXPECT_NEAR(ideal->kg, 74.992, 1e-3);
  EXPECT_THAT(ideal->formula, ::testing::HasSubstr("Devine"));
  patient.set_weight_basis(kip::common::v1::ADJUSTED);
  EXPECT_NEAR(
      ComputeDosingWeight(patient, kip::common::v1::IDEAL, "patient")->kg,
      92.995, 1e-3);
  patient.clear_sex();
  EXPECT_THAT(std::string(ComputeDosingWeight(patient, kip::common::v1::ACTUAL,
                                              "patient")
                              .status()
                              .message()),
              ::testing::HasSubstr("patient.sex"));
  patient.set_weight_kg(std::nan(""));
  EXPECT_EQ(ComputeDosingWeight(patient, kip::common::v1::ACTUAL, "patient")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DoseMathTest, ConversionsRoundTripAndPumpRatesRoundDown) {
  std::mt19937 rng(6962);
  std::uniform_real_distribution<double> weight(20, 300), rate(0, 7),
      conc_pick(0, 1);
  const double resolutions[] = {0.1, 0.01, 1};
  for (int i = 0; i < 20000; ++i) {
    const double w = weight(rng), mg_kg_h = rate(rng);
    const double mg_h = MgPerHFromMgPerKgPerH(mg_kg_h, w);
    EXPECT_NEAR(MgPerKgPerHFromMgPerH(mg_h, w), mg_kg_h, 1e-12);
    const double conc = conc_pick(rng) < 0.5 ? 1 : 2;
    const double resolution = resolutions[i % 3];
    const PumpRate pump = ToPumpRate(mg_h, conc, resolution);
    EXPECT_NEAR(pump.exact_ml_per_h * conc, mg_h, 1e-9);
    // Never above the exact rate, less than one resolution step below it,
    // and a whole number of steps.
    EXPECT_LE(pump.programmed_ml_per_h, pump.exact_ml_per_h + 1e-9);
    EXPECT_GT(pump.programmed_ml_per_h,
              pump.exact_ml_per_h - resolution - 1e-9);
    const double steps = pump.programmed_ml_per_h / resolution;
    EXPECT_NEAR(steps, std::round(steps), 1e-6);
  }
}

TEST(DoseMathTest, RoundingDownByHand) {
  // 0.35 mg/kg/h x 73.3 kg = 25.655 mg/h; at 2 mg/mL = 12.8275 mL/h -> 12.8.
  const PumpRate pump = ToPumpRate(0.35 * 73.3, 2, 0.1);
  EXPECT_NEAR(pump.exact_ml_per_h, 12.8275, 1e-9);
  EXPECT_DOUBLE_EQ(pump.programmed_ml_per_h, 12.8);
  // Exactly on a step stays there: 24.5 mg/h at 1 mg/mL = 24.5 mL/h.
  EXPECT_DOUBLE_EQ(ToPumpRate(24.5, 1, 0.1).programmed_ml_per_h, 24.5);
}

}  // namespace
}  // namespace kip::dosing
