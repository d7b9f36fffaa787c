// Plots of a network meta-analysis as standalone SVG: the league table
// (every pair's effect with its CI, row versus column; treatments on the
// diagonal, best-ranked first) and the network graph (treatments on a
// circle, each line a direct comparison, its width the number of studies).
#ifndef KIP_SERVICES_ANALYTICS_PLOTS_NETWORK_PLOT_H_
#define KIP_SERVICES_ANALYTICS_PLOTS_NETWORK_PLOT_H_

#include <string>

#include "kip/analytics/v1/analytics.pb.h"

namespace kip::plots {

std::string LeagueTableSvg(
    const kip::analytics::v1::RunNetworkMetaAnalysisResponse& result);
std::string NetworkGraphSvg(
    const kip::analytics::v1::RunNetworkMetaAnalysisResponse& result);

}  // namespace kip::plots

#endif  // KIP_SERVICES_ANALYTICS_PLOTS_NETWORK_PLOT_H_
