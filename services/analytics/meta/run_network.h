// RunNetworkMetaAnalysis: the request's arms into the network model
// (network.h) and its fit into the response, on the reporting scale, with
// the ranking and the direct comparisons. Pure C++ on the proto messages.
#ifndef KIP_SERVICES_ANALYTICS_META_RUN_NETWORK_H_
#define KIP_SERVICES_ANALYTICS_META_RUN_NETWORK_H_

#include "absl/status/statusor.h"
#include "kip/analytics/v1/analytics.pb.h"

namespace kip::meta {

absl::StatusOr<kip::analytics::v1::RunNetworkMetaAnalysisResponse>
RunNetworkMetaAnalysis(
    const kip::analytics::v1::RunNetworkMetaAnalysisRequest& request);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_RUN_NETWORK_H_
