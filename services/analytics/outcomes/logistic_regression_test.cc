#include "services/analytics/outcomes/logistic_regression.h"

#include "gtest/gtest.h"

namespace kip::outcomes {
namespace {

// R 4.2.2: glm(y ~ x, family=binomial, control=glm.control(epsilon=1e-15))
// with x = 1..10, y = 0 0 1 0 0 1 1 0 1 1: slope 0.44387053648 (SE
// 0.298086167427, p 0.136469495681), intercept -2.44128795064, OR
// 1.55872867406 (Wald 95% CI 0.869038704167 to 2.79577315449). glm's default
// epsilon (1e-8) reports the SE from the last-but-one iteration's weights
// (0.298085016976), 4e-6 off the SE at the maximum.
TEST(LogisticRegressionTest, MatchesGlm) {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const std::vector<int> y = {0, 0, 1, 0, 0, 1, 1, 0, 1, 1};
  auto fit = FitLogistic(x, y);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->slope, 0.44387053648, 1e-9);
  EXPECT_NEAR(fit->slope_se, 0.298086167427, 1e-9);
  EXPECT_NEAR(fit->p_value, 0.136469495681, 1e-9);
  EXPECT_NEAR(fit->intercept, -2.44128795064, 1e-9);
  EXPECT_NEAR(fit->odds_ratio, 1.55872867406, 1e-9);
  EXPECT_NEAR(fit->ci_lower, 0.869038704167, 1e-9);
  EXPECT_NEAR(fit->ci_upper, 2.79577315449, 1e-9);
}

TEST(LogisticRegressionTest, SeparationAndDegenerateDataAreErrors) {
  EXPECT_FALSE(FitLogistic({1, 2, 3, 4}, {0, 0, 1, 1}).ok());  // separated
  EXPECT_FALSE(FitLogistic({1, 2, 3}, {1, 1, 1}).ok());
  EXPECT_FALSE(FitLogistic({2, 2, 2, 2}, {0, 1, 0, 1}).ok());
}

}  // namespace
}  // namespace kip::outcomes
