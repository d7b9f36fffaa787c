// Case diagnostics of a meta-analysis or meta-regression, as metafor's
// influence() computes them for rma(): each study left out in turn and the
// model refitted (same estimator and test), giving the studentized deleted
// residual, DFFITS, Cook's distance, the covariance ratio, tau^2 and QE
// without the study, its hat value and weight, DFBETAS per coefficient, and
// metafor's "influential" flag. No gRPC.
#ifndef KIP_SERVICES_ANALYTICS_META_INFLUENCE_H_
#define KIP_SERVICES_ANALYTICS_META_INFLUENCE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "services/analytics/meta/meta_regression.h"

namespace kip::meta {

struct StudyInfluence {
  double rstudent = 0;
  double dffits = 0;
  double cooks_distance = 0;
  double cov_ratio = 0;
  double tau2_deleted = 0;
  double qe_deleted = 0;
  double hat = 0;
  double weight_percent = 0;
  std::vector<double> dfbetas;  // one per coefficient
  // Baujat (metafor's baujat()): squared residual over (tau^2 + v_i), and the
  // squared change of the fitted value when the study is left out over that
  // value's variance without it.
  double baujat_x = 0;
  double baujat_y = 0;
  // |DFFITS| > 3 sqrt(p / (k - p)), P(chi^2_p <= Cook's D) > 0.5,
  // hat > 3 p / k, or any |DFBETAS| > 1 (metafor's rule).
  bool influential = false;
};

// `fit` is FitMetaRegression(yi, vi, design, options); k - 1 studies must
// still leave a residual degree of freedom.
absl::StatusOr<std::vector<StudyInfluence>> Influence(
    const std::vector<double>& yi, const std::vector<double>& vi,
    const Design& design, const MetaRegressionOptions& options,
    const MetaRegressionFit& fit);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_INFLUENCE_H_
