// RunMetaAnalysis: a whole analysis from its request - per-study effects, the
// pooled result under the chosen convention (RevMan 5 or metafor), per-study
// rows for the forest plot, subgroups and the test for subgroup differences,
// leave-one-out, cumulative by year and Egger's test. Pure C++ on the proto
// messages; no gRPC.
#ifndef KIP_SERVICES_ANALYTICS_META_META_ANALYSIS_H_
#define KIP_SERVICES_ANALYTICS_META_META_ANALYSIS_H_

#include "absl/status/statusor.h"
#include "kip/analytics/v1/analytics.pb.h"

namespace kip::meta {

namespace av1 = kip::analytics::v1;

absl::StatusOr<av1::RunMetaAnalysisResponse> RunMetaAnalysis(
    const av1::RunMetaAnalysisRequest& request);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_META_ANALYSIS_H_
