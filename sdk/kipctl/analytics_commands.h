// `kipctl analytics meta ...`: a meta-analysis of a CSV of studies through
// the analytics service, as a RevMan-style table or --json (issue #5).
#ifndef KIP_SDK_KIPCTL_ANALYTICS_COMMANDS_H_
#define KIP_SDK_KIPCTL_ANALYTICS_COMMANDS_H_

#include <string>
#include <vector>

#include "sdk/kipctl/dosing_commands.h"

namespace kip::kipctl {

// Exit status as RunDosingCommand's.
int RunAnalyticsCommand(const std::string& command,
                        const std::vector<std::string>& args,
                        kip::AnalyticsClient& client);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_ANALYTICS_COMMANDS_H_
