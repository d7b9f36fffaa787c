#include "services/analytics/outcomes/logistic_regression.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/analytics/meta/distributions.h"

namespace kip::outcomes {

absl::StatusOr<LogisticFit> FitLogistic(const std::vector<double>& x,
                                        const std::vector<int>& y,
                                        double confidence_level) {
  const size_t n = x.size();
  if (n != y.size() || n < 3) {
    return absl::FailedPreconditionError(
        "logistic regression needs at least 3 patients");
  }
  int events = 0;
  for (int v : y) events += v;
  if (events == 0 || events == static_cast<int>(n)) {
    return absl::FailedPreconditionError(
        "logistic regression needs both responders and non-responders");
  }
  LogisticFit fit;
  double b0 = std::log(static_cast<double>(events) / (n - events)), b1 = 0;
  double i00 = 0, i01 = 0, i11 = 0;
  for (fit.iterations = 1; fit.iterations <= 100; ++fit.iterations) {
    // Newton-Raphson (= IRLS for the canonical link) on the log-likelihood.
    double g0 = 0, g1 = 0;
    i00 = i01 = i11 = 0;
    for (size_t i = 0; i < n; ++i) {
      const double p = 1 / (1 + std::exp(-(b0 + b1 * x[i])));
      const double w = p * (1 - p);
      g0 += y[i] - p;
      g1 += (y[i] - p) * x[i];
      i00 += w, i01 += w * x[i], i11 += w * x[i] * x[i];
    }
    const double det = i00 * i11 - i01 * i01;
    if (!(det > 1e-300)) {
      return absl::FailedPreconditionError(
          "logistic regression: the predictor does not vary");
    }
    const double d0 = (i11 * g0 - i01 * g1) / det,
                 d1 = (i00 * g1 - i01 * g0) / det;
    b0 += d0, b1 += d1;
    if (!std::isfinite(b1) || std::fabs(b1) > 50) {
      return absl::FailedPreconditionError(
          "logistic regression: complete separation, the odds ratio is not "
          "finite");
    }
    if (std::fabs(d0) + std::fabs(d1) <
        1e-12 * (1 + std::fabs(b0) + std::fabs(b1)))
      break;
  }
  if (fit.iterations > 100) {
    return absl::FailedPreconditionError(
        "logistic regression did not converge in 100 iterations");
  }
  // Covariance from the information at the maximum.
  double i00f = 0, i01f = 0, i11f = 0;
  for (size_t i = 0; i < n; ++i) {
    const double p = 1 / (1 + std::exp(-(b0 + b1 * x[i])));
    const double w = p * (1 - p);
    i00f += w, i01f += w * x[i], i11f += w * x[i] * x[i];
  }
  fit.intercept = b0;
  fit.slope = b1;
  fit.slope_se = std::sqrt(i00f / (i00f * i11f - i01f * i01f));
  const double z = kip::meta::NormalQuantile(1 - (1 - confidence_level) / 2);
  fit.odds_ratio = std::exp(b1);
  fit.ci_lower = std::exp(b1 - z * fit.slope_se);
  fit.ci_upper = std::exp(b1 + z * fit.slope_se);
  fit.p_value = kip::meta::TwoSidedNormalP(b1 / fit.slope_se);
  return fit;
}

}  // namespace kip::outcomes
