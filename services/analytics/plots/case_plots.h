// Two plots of a meta-analysis's studies as standalone SVG: the Baujat plot
// (each study's contribution to heterogeneity against its influence on the
// pooled result, as metafor's baujat()) and the L'Abbe plot (each study's
// treatment-arm risk against its control-arm risk, circles by weight, with
// the line of no effect and the pooled effect, as metafor's labbe() on the
// risk scale).
#ifndef KIP_SERVICES_ANALYTICS_PLOTS_CASE_PLOTS_H_
#define KIP_SERVICES_ANALYTICS_PLOTS_CASE_PLOTS_H_

#include <string>

#include "kip/analytics/v1/analytics.pb.h"

namespace kip::plots {

// `result` carries the influence rows (options.baujat_plot computes them).
std::string BaujatPlotSvg(
    const kip::analytics::v1::RunMetaAnalysisResponse& result);
// Studies with arm risks (dichotomous data); others are left out.
std::string LabbePlotSvg(
    const kip::analytics::v1::RunMetaAnalysisResponse& result);

}  // namespace kip::plots

#endif  // KIP_SERVICES_ANALYTICS_PLOTS_CASE_PLOTS_H_
