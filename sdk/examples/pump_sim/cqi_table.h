// The demo's drug-library quality (CQI) table: per month, site, care area and
// protocol of the logged trial, infusions and the alerts, overrides and
// hard-limit stops per 100 infusions, with the chart written beside the
// forest plot.
#ifndef KIP_SDK_EXAMPLES_PUMP_SIM_CQI_TABLE_H_
#define KIP_SDK_EXAMPLES_PUMP_SIM_CQI_TABLE_H_

#include <string>

#include "sdk/cpp/analytics_client.h"

namespace kip::demo {

// Prints the table and writes `svg_path`; exits the process if the call
// fails.
void PrintCqiTable(kip::AnalyticsClient& analytics, const std::string& study_id,
                   const std::string& svg_path);

}  // namespace kip::demo

#endif  // KIP_SDK_EXAMPLES_PUMP_SIM_CQI_TABLE_H_
