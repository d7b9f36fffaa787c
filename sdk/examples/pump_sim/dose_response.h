// The demo's dose-response: a meta-regression of the logged trial's pain
// change at one month on the infusion rate its patients received, one row per
// dose band of the ketamine arm, with the bubble plot.
#ifndef KIP_SDK_EXAMPLES_PUMP_SIM_DOSE_RESPONSE_H_
#define KIP_SDK_EXAMPLES_PUMP_SIM_DOSE_RESPONSE_H_

#include <string>

#include "sdk/cpp/analytics_client.h"

namespace kip::demo {

// Prints the slope per mg/kg/h and writes `svg_path`; prints why when the
// trial's rates fall in too few bands to fit a slope.
void PrintDoseResponse(kip::AnalyticsClient& analytics,
                       const std::string& study_id,
                       const std::string& svg_path);

}  // namespace kip::demo

#endif  // KIP_SDK_EXAMPLES_PUMP_SIM_DOSE_RESPONSE_H_
