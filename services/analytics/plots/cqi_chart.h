// The drug-library quality report as a chart: for each month, site, care
// area and protocol, horizontal bars of alerts, overrides and hard-limit
// stops per 100 infusions on one linear axis, labelled with the infusions
// they are counted over. Standalone SVG.
#ifndef KIP_SERVICES_ANALYTICS_PLOTS_CQI_CHART_H_
#define KIP_SERVICES_ANALYTICS_PLOTS_CQI_CHART_H_

#include <string>

#include "kip/analytics/v1/analytics.pb.h"

namespace kip::plots {

std::string CqiChartSvg(
    const kip::analytics::v1::ComputeDrugLibraryReportResponse& report,
    const std::string& title);

}  // namespace kip::plots

#endif  // KIP_SERVICES_ANALYTICS_PLOTS_CQI_CHART_H_
