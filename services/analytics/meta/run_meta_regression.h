// RunMetaRegression: a meta-regression from its request - per-study effects
// as RunMetaAnalysis computes them, the moderators' design, the fit, the
// predictions asked for and, for the bubble plot, the studies and the fitted
// line along the first numeric moderator. Pure C++ on the proto messages.
#ifndef KIP_SERVICES_ANALYTICS_META_RUN_META_REGRESSION_H_
#define KIP_SERVICES_ANALYTICS_META_RUN_META_REGRESSION_H_

#include "absl/status/statusor.h"
#include "kip/analytics/v1/analytics.pb.h"

namespace kip::meta {

absl::StatusOr<kip::analytics::v1::RunMetaRegressionResponse> RunMetaRegression(
    const kip::analytics::v1::RunMetaRegressionRequest& request);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_RUN_META_REGRESSION_H_
