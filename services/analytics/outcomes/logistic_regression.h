// Univariable logistic regression by iteratively reweighted least squares:
// the odds ratio per unit of a predictor with its Wald CI and p-value, as R's
// glm(y ~ x, family = binomial) reports them. Separation (no finite maximum)
// and non-convergence are reported, never hidden.
#ifndef KIP_SERVICES_ANALYTICS_OUTCOMES_LOGISTIC_REGRESSION_H_
#define KIP_SERVICES_ANALYTICS_OUTCOMES_LOGISTIC_REGRESSION_H_

#include <vector>

#include "absl/status/statusor.h"

namespace kip::outcomes {

struct LogisticFit {
  double intercept = 0;
  double slope = 0;  // log odds ratio per unit of x
  double slope_se = 0;
  double odds_ratio = 0, ci_lower = 0, ci_upper = 0, p_value = 0;
  int iterations = 0;
};

absl::StatusOr<LogisticFit> FitLogistic(const std::vector<double>& x,
                                        const std::vector<int>& y,
                                        double confidence_level = 0.95);

}  // namespace kip::outcomes

#endif  // KIP_SERVICES_ANALYTICS_OUTCOMES_LOGISTIC_REGRESSION_H_
