// Golden values from R 4.2 / metafor 3.8-1 (Debian r-cran-metafor), printed
// with sprintf("%.12g"):
//   dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg,
//   data=dat.bcg) rma(yi, vi, data=dat, method="FE" | "DL") e <-
//   escalc(measure="MD", m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i,
//               n2i=n2i, data=dat.normand1999); rma(yi, vi, data=e, method=...)
// Datasets: BCG vaccine trials (Colditz et al., JAMA 1994); stroke-unit length
// of stay (Normand, Stat Med 1999), as shipped with metafor.
#include "services/analytics/meta/pooling.h"

#include <gtest/gtest.h>

#include <cmath>

#include "services/analytics/meta/effect_size.h"

namespace kip::meta {
namespace {

constexpr double kRelTol = 1e-6;

void ExpectRel(double actual, double expected, const char* what) {
  const double scale = std::max(std::fabs(expected), 1e-300);
  EXPECT_LE(std::fabs(actual - expected) / scale, kRelTol)
      << what << ": " << actual << " vs " << expected;
}

std::vector<Effect> BcgLogRiskRatios() {
  const double bcg[13][4] = {
      {4, 119, 11, 128},       {6, 300, 29, 274},        {3, 228, 11, 209},
      {62, 13536, 248, 12619}, {33, 5036, 47, 5761},     {180, 1361, 372, 1079},
      {8, 2537, 10, 619},      {505, 87886, 499, 87892}, {29, 7470, 45, 7232},
      {17, 1699, 65, 1600},    {186, 50448, 141, 27197}, {5, 2493, 3, 2338},
      {27, 16886, 29, 17825}};
  std::vector<Effect> effects;
  for (const auto& row : bcg) {
    DichotomousArms arms{row[0], row[0] + row[1], row[2], row[2] + row[3]};
    auto effect =
        DichotomousEffect("bcg", arms, DichotomousMeasure::kLogRiskRatio);
    EXPECT_TRUE(effect.ok()) << effect.status();
    effects.push_back(*effect);
  }
  return effects;
}

std::vector<Effect> NormandMeanDifferences() {
  const double rows[9][6] = {
      {55, 47, 155, 75, 64, 156}, {27, 7, 31, 29, 4, 32},
      {64, 17, 75, 119, 29, 71},  {66, 20, 18, 137, 48, 18},
      {14, 8, 8, 18, 11, 13},     {19, 7, 57, 18, 4, 52},
      {52, 45, 34, 41, 34, 33},   {21, 16, 110, 31, 27, 183},
      {30, 27, 60, 23, 20, 52}};
  std::vector<Effect> effects;
  for (const auto& r : rows) {
    auto effect =
        MeanDifference("normand", {r[0], r[1], r[2], r[3], r[4], r[5]});
    EXPECT_TRUE(effect.ok()) << effect.status();
    effects.push_back(*effect);
  }
  return effects;
}

TEST(EffectSizeTest, BcgPerStudyMatchesEscalc) {
  std::vector<Effect> effects = BcgLogRiskRatios();
  ExpectRel(effects[0].estimate, -0.889311333920205, "yi[1]");
  ExpectRel(effects[1].estimate, -1.58538865720143, "yi[2]");
  ExpectRel(effects[0].variance, 0.325584765003961, "vi[1]");
  ExpectRel(effects[1].variance, 0.194581121398144, "vi[2]");
}

TEST(PoolingTest, BcgRiskRatioFixedEffectMatchesMetafor) {
  auto pooled = PoolFixedEffect(BcgLogRiskRatios());
  ASSERT_TRUE(pooled.ok()) << pooled.status();
  ExpectRel(pooled->estimate, -0.430285163654, "estimate");
  ExpectRel(pooled->se, 0.0404987517109, "se");
  ExpectRel(pooled->ci_lower, -0.509661258426, "ci.lb");
  ExpectRel(pooled->ci_upper, -0.350909068882, "ci.ub");
  ExpectRel(pooled->z, -10.624652501, "z");
  ExpectRel(pooled->p_value, 2.28862930697e-26, "p");
  ExpectRel(pooled->q, 152.233008082, "QE");
  EXPECT_EQ(pooled->q_df, 12);
  ExpectRel(pooled->q_p_value, 1.99676459085e-26, "QEp");
  ExpectRel(pooled->i2_percent, 92.1173468546, "I2");
  ExpectRel(pooled->h2, 12.6860840069, "H2");
  EXPECT_EQ(pooled->tau2, 0);
}

TEST(PoolingTest, BcgRiskRatioDerSimonianLairdMatchesMetafor) {
  auto pooled = PoolDerSimonianLaird(BcgLogRiskRatios());
  ASSERT_TRUE(pooled.ok()) << pooled.status();
  ExpectRel(pooled->estimate, -0.714117222073, "estimate");
  ExpectRel(pooled->se, 0.178742089535, "se");
  ExpectRel(pooled->ci_lower, -1.06444528008, "ci.lb");
  ExpectRel(pooled->ci_upper, -0.363789164062, "ci.ub");
  ExpectRel(pooled->z, -3.99523818889, "z");
  ExpectRel(pooled->p_value, 6.4629243047e-05, "p");
  ExpectRel(pooled->tau2, 0.308760262862, "tau2");
  ExpectRel(pooled->i2_percent, 92.1173468546, "I2");
  ExpectRel(pooled->h2, 12.6860840069, "H2");
}

TEST(PoolingTest, NormandMeanDifferenceMatchesMetafor) {
  auto fixed = PoolFixedEffect(NormandMeanDifferences());
  ASSERT_TRUE(fixed.ok());
  ExpectRel(fixed->estimate, -3.46361262778, "FE estimate");
  ExpectRel(fixed->se, 0.764827521161, "FE se");
  ExpectRel(fixed->p_value, 5.93703739863e-06, "FE p");
  ExpectRel(fixed->q, 238.915810862, "QE");
  ExpectRel(fixed->q_p_value, 3.8418092854e-47, "QEp");
  ExpectRel(fixed->h2, 29.8644763578, "FE H2");

  auto random = PoolDerSimonianLaird(NormandMeanDifferences());
  ASSERT_TRUE(random.ok());
  ExpectRel(random->estimate, -13.981721817, "DL estimate");
  ExpectRel(random->se, 5.12669833923, "DL se");
  ExpectRel(random->ci_lower, -24.0298659215, "DL ci.lb");
  ExpectRel(random->ci_upper, -3.93357771255, "DL ci.ub");
  ExpectRel(random->p_value, 0.00638671324117, "DL p");
  ExpectRel(random->tau2, 205.409375468, "DL tau2");
  ExpectRel(random->i2_percent, 96.6515401508, "DL I2");
  const double weights[9] = {10.6877496298, 12.6671325116, 11.8869792613,
                             7.3905232359,  11.8010874173, 12.7231356254,
                             8.76105569989, 12.4140394088, 11.6682972099};
  ASSERT_EQ(random->weight_percent.size(), 9u);
  for (int i = 0; i < 9; ++i)
    ExpectRel(random->weight_percent[i], weights[i], "weight");
}

TEST(EffectSizeTest, ZeroCellGetsHalfAddedToEveryCell) {
  // 0/10 vs 5/10: cells become 0.5, 10.5, 5.5, 5.5 (by hand):
  // log RR = log((0.5/11) / (5.5/11)) = log(1/11); var = 1/0.5 - 1/11 + 1/5.5 -
  // 1/11.
  auto rr =
      DichotomousEffect("z", {0, 10, 5, 10}, DichotomousMeasure::kLogRiskRatio);
  ASSERT_TRUE(rr.ok());
  EXPECT_TRUE(rr->corrected);
  ExpectRel(rr->estimate, std::log(1.0 / 11), "log RR");
  ExpectRel(rr->variance, 2 - 1.0 / 11 + 1 / 5.5 - 1.0 / 11, "var");
  // log OR = log((0.5 * 5.5) / (10.5 * 5.5)) = log(1/21).
  auto odds =
      DichotomousEffect("z", {0, 10, 5, 10}, DichotomousMeasure::kLogOddsRatio);
  ASSERT_TRUE(odds.ok());
  ExpectRel(odds->estimate, std::log(1.0 / 21), "log OR");
}

TEST(EffectSizeTest, NoEventsInEitherArmIsExcludedFromRatios) {
  auto rr = DichotomousEffect("none", {0, 10, 0, 12},
                              DichotomousMeasure::kLogRiskRatio);
  EXPECT_EQ(rr.status().code(), absl::StatusCode::kFailedPrecondition);
  auto all = DichotomousEffect("all", {10, 10, 12, 12},
                               DichotomousMeasure::kLogOddsRatio);
  EXPECT_EQ(all.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(EffectSizeTest, InvalidDataNamesStudyAndField) {
  auto more_events = DichotomousEffect("S7", {11, 10, 1, 10},
                                       DichotomousMeasure::kLogRiskRatio);
  ASSERT_EQ(more_events.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(more_events.status().message().find("S7"), std::string::npos);
  EXPECT_NE(more_events.status().message().find("events_treatment"),
            std::string::npos);
  auto negative_sd = MeanDifference("S8", {1, -2, 10, 1, 2, 10});
  ASSERT_EQ(negative_sd.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(negative_sd.status().message().find("sd_treatment"),
            std::string::npos);
  EXPECT_FALSE(MeanDifference("S9", {NAN, 1, 10, 1, 1, 10}).ok());
  EXPECT_FALSE(MeanDifference("S9", {1, 1, 1, 1, 1, 10}).ok());  // n < 2
  EXPECT_FALSE(DichotomousEffect("S10", {1.5, 10, 1, 10},
                                 DichotomousMeasure::kLogRiskRatio)
                   .ok());
}

TEST(PoolingTest, RefusesEmptyOrNonFiniteInput) {
  EXPECT_EQ(PoolFixedEffect({}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(PoolDerSimonianLaird({{1, 0, false}}).ok());
  EXPECT_FALSE(PoolDerSimonianLaird({{INFINITY, 1, false}}).ok());
  EXPECT_FALSE(PoolFixedEffect({{1, 1, false}}, 1.0).ok());
}

TEST(PoolingTest, SingleStudyHasNoHeterogeneity) {
  auto pooled = PoolDerSimonianLaird({{0.5, 0.04, false}});
  ASSERT_TRUE(pooled.ok());
  EXPECT_EQ(pooled->q_df, 0);
  EXPECT_EQ(pooled->tau2, 0);
  EXPECT_EQ(pooled->q_p_value, 1);
  ExpectRel(pooled->estimate, 0.5, "estimate");
  ExpectRel(pooled->se, 0.2, "se");
}

}  // namespace
}  // namespace kip::meta
