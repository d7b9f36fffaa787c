// The bubble plot of a meta-regression as standalone SVG: each study's effect
// against the first numeric moderator, a circle whose area is its weight, and
// the fitted line with its confidence band (log scale for ratio measures).
#ifndef KIP_SERVICES_ANALYTICS_PLOTS_BUBBLE_PLOT_H_
#define KIP_SERVICES_ANALYTICS_PLOTS_BUBBLE_PLOT_H_

#include <string>

#include "kip/analytics/v1/analytics.pb.h"

namespace kip::plots {

// `result` must carry points and curve (the request's bubble_plot).
std::string BubblePlotSvg(
    const kip::analytics::v1::RunMetaRegressionResponse& result,
    const std::string& title);

}  // namespace kip::plots

#endif  // KIP_SERVICES_ANALYTICS_PLOTS_BUBBLE_PLOT_H_
