// Duval & Tweedie's trim-and-fill with the L0 estimator, as metafor's
// trimfill(): studies are ranked around the pooled estimate of the trimmed
// set until the number of missing studies k0 settles, then the k0 most
// extreme are mirrored and everything pooled again with the same model. The
// side with missing studies follows the sign of the slope of y on its
// standard error (metafor fits that regression with the model's tau^2
// estimator; KIP with fixed-effect weights: they agree on the test datasets).
#ifndef KIP_SERVICES_ANALYTICS_META_TRIM_AND_FILL_H_
#define KIP_SERVICES_ANALYTICS_META_TRIM_AND_FILL_H_

#include <vector>

#include "absl/status/statusor.h"
#include "services/analytics/meta/pooling.h"

namespace kip::meta {

struct TrimAndFillResult {
  int missing_studies = 0;  // k0
  bool right_side = false;  // the missing studies are on the right
  Pooled adjusted;
  std::vector<Effect> filled;  // the mirrored studies
};

absl::StatusOr<TrimAndFillResult> TrimAndFill(
    const std::vector<Effect>& effects, const PoolOptions& options,
    int max_iterations = 100);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_TRIM_AND_FILL_H_
