#include "services/dosing/core/pk_model.h"

#include <cmath>

#include "gmock/gmock.h"

namespace kip::dosing {
namespace {

v1::InfusionPiece Piece(double start, double end, double rate_mg_per_h) {
  v1::InfusionPiece piece;
  piece.set_start_min(start);
  piece.set_end_min(end);
  piece.set_rate_mg_per_h(rate_mg_per_h);
  return piece;
}

TEST(PkModelTest, DominoAt70KgMatchesStanpumpR) {
  // stanpumpR's unit test: V1 4.41, V2 10.56972, V3 178.2123 L; CL1 1.93158,
  // CL2 2.61072, CL3 2.6019 L/min. stanpumpR rounds k10/k12 to 0.438/0.592,
  // opentiva keeps 0.4381/0.5921: the volumes and clearances agree within
  // 0.03 %.
  auto p = ModelParameters(v1::DOMINO, 70);
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(p->v1_l, 4.41, 1e-12);
  EXPECT_NEAR(p->v2_l(), 10.56972, 10.56972 * 3e-4);
  EXPECT_NEAR(p->v3_l(), 178.2123, 178.2123 * 1e-6);
  EXPECT_NEAR(p->cl1_l_per_min(), 1.93158, 1.93158 * 3e-4);
  EXPECT_NEAR(p->cl2_l_per_min(), 2.61072, 2.61072 * 3e-4);
  EXPECT_NEAR(p->cl3_l_per_min(), 2.6019, 2.6019 * 1e-6);
}

TEST(PkModelTest, KampScalesItsClearancesAndVolumes) {
  auto p = ModelParameters(v1::KAMP, 70);
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(p->v1_l, 25, 1e-12);
  EXPECT_NEAR(p->v2_l(), 56, 1e-9);
  EXPECT_NEAR(p->v3_l(), 157, 1e-9);
  EXPECT_NEAR(p->cl1_l_per_min(), 84.0 / 60, 1e-12);
  EXPECT_NEAR(p->cl2_l_per_min(), 161.0 / 60, 1e-12);
  EXPECT_NEAR(p->cl3_l_per_min(), 79.0 / 60, 1e-12);
}

// An independent computation: the closed-form two-compartment solution.
// Infusion at R from zero: C(t) = R/V1 x [A/a (1 - e^-at) + B/b (1 - e^-bt)],
// a, b the roots of x^2 - (k10 + k12 + k21) x + k10 k21, A = (a - k21)/(a - b),
// B = (k21 - b)/(a - b); after the stop, each term decays with its own rate.
double TwoCompartment(const PkParameters& p, double rate_mg_per_min,
                      double t_end, double t) {
  const double sum = p.k10 + p.k12 + p.k21;
  const double root = std::sqrt(sum * sum - 4 * p.k10 * p.k21);
  const double a = (sum + root) / 2, b = (sum - root) / 2;
  const double A = (a - p.k21) / (a - b), B = (p.k21 - b) / (a - b);
  auto term = [&](double coeff, double rate) {
    const double during = std::min(t, t_end);
    double value = coeff / rate * (1 - std::exp(-rate * during));
    if (t > t_end) value *= std::exp(-rate * (t - t_end));
    return value;
  };
  return rate_mg_per_min / p.v1_l * (term(A, a) + term(B, b)) * 1000;  // ng/mL
}

TEST(PkModelTest, TwoCompartmentModelsMatchTheClosedForm) {
  for (v1::PkModel model : {v1::CLEMENTS, v1::HIJAZI}) {
    auto p = ModelParameters(model, 82);
    ASSERT_TRUE(p.ok());
    const std::vector<double> times = {0,   1,   7.5, 30,  119,
                                       240, 241, 300, 600, 1440};
    auto plasma = PredictPlasmaNgPerMl(*p, {Piece(0, 240, 28.7)}, times);
    ASSERT_TRUE(plasma.ok());
    for (size_t i = 0; i < times.size(); ++i) {
      const double expected = TwoCompartment(*p, 28.7 / 60, 240, times[i]);
      EXPECT_NEAR((*plasma)[i], expected, 1e-9 * std::max(1.0, expected))
          << v1::PkModel_Name(model) << " at " << times[i];
    }
  }
}

TEST(PkModelTest, ALongInfusionReachesRateOverClearance) {
  // Steady state: C = R / CL1. Domino 70 kg at 30 mg/h = 0.5 mg/min:
  // 0.5 / 1.932017 L/min = 0.25880 mg/L = 258.80 ng/mL.
  auto p = ModelParameters(v1::DOMINO, 70);
  auto plasma =
      PredictPlasmaNgPerMl(*p, {Piece(0, 60 * 24 * 14, 30)}, {60 * 24 * 14});
  ASSERT_TRUE(plasma.ok());
  EXPECT_NEAR((*plasma)[0], 0.5 / (0.063 * 70 * 0.4381) * 1000, 0.01);
}

TEST(PkModelTest, PiecesAddAndSplitPiecesChangeNothing) {
  auto p = ModelParameters(v1::KAMP, 70);
  const std::vector<double> times = {10, 60, 200, 400};
  auto whole = PredictPlasmaNgPerMl(*p, {Piece(0, 240, 24)}, times);
  auto split =
      PredictPlasmaNgPerMl(*p, {Piece(0, 100, 24), Piece(100, 240, 24)}, times);
  auto halves =
      PredictPlasmaNgPerMl(*p, {Piece(0, 240, 12), Piece(0, 240, 12)}, times);
  for (size_t i = 0; i < times.size(); ++i) {
    EXPECT_NEAR((*whole)[i], (*split)[i], 1e-9 * (*whole)[i]);
    EXPECT_NEAR((*whole)[i], (*halves)[i], 1e-9 * (*whole)[i]);
  }
}

TEST(PkModelTest, RequestsAreValidatedAndTheRangeFlagged) {
  v1::PredictConcentrationRequest request;
  request.set_model(v1::DOMINO);
  request.set_weight_kg(70);
  *request.add_infusions() = Piece(0, 30, 140);
  request.add_at_min(30);
  auto response = PredictConcentration(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->model_source().pmid(), "7198883");
  EXPECT_EQ(response->analgesic_high_ng_per_ml(), 160);
  EXPECT_EQ(response->points(0).above_analgesic_range(),
            response->points(0).plasma_ng_per_ml() > 160);
  request.mutable_infusions(0)->set_end_min(-1);
  EXPECT_THAT(std::string(PredictConcentration(request).status().message()),
              ::testing::HasSubstr("infusions[0].end_min"));
  request.mutable_infusions(0)->set_end_min(30);
  request.set_model(v1::PK_MODEL_UNSPECIFIED);
  EXPECT_THAT(std::string(PredictConcentration(request).status().message()),
              ::testing::HasSubstr("model"));
  request.set_model(v1::HIJAZI);
  request.set_weight_kg(std::nan(""));
  EXPECT_THAT(std::string(PredictConcentration(request).status().message()),
              ::testing::HasSubstr("weight_kg"));
}

}  // namespace
}  // namespace kip::dosing
