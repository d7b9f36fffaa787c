// Forest and funnel plots of a meta-analysis result as standalone SVG: study
// rows with squares sized by weight and their CIs, the pooled diamond, the
// heterogeneity and overall-effect lines, an axis with the null line (log
// scale for ratio measures).
#ifndef KIP_SERVICES_ANALYTICS_PLOTS_FOREST_PLOT_H_
#define KIP_SERVICES_ANALYTICS_PLOTS_FOREST_PLOT_H_

#include <string>

#include "kip/analytics/v1/analytics.pb.h"

namespace kip::plots {

struct PlotLabels {
  std::string title;
  std::string treatment_label = "Favours treatment";
  std::string control_label = "Favours control";
};

std::string ForestPlotSvg(
    const kip::analytics::v1::RunMetaAnalysisResponse& result,
    const PlotLabels& labels);

// Effect (x) against its standard error (y, inverted), with the pooled line
// and the 95% pseudo-confidence funnel.
std::string FunnelPlotSvg(
    const kip::analytics::v1::RunMetaAnalysisResponse& result,
    const std::string& title);

}  // namespace kip::plots

#endif  // KIP_SERVICES_ANALYTICS_PLOTS_FOREST_PLOT_H_
