// `kipctl analytics metareg`: a meta-regression of a CSV of studies on named
// moderator columns through the analytics service (issue #17), as a table or
// --json, with predictions and a bubble plot.
#ifndef KIP_SDK_KIPCTL_METAREG_COMMAND_H_
#define KIP_SDK_KIPCTL_METAREG_COMMAND_H_

#include <string>
#include <vector>

#include "sdk/cpp/analytics_client.h"

namespace kip::kipctl {

// Exit status: 0 done, 2 bad input (row and column named), else CallFailed's.
int MetaRegression(const std::vector<std::string>& argv,
                   kip::AnalyticsClient& client);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_METAREG_COMMAND_H_
