// `kipctl analytics network`: a network meta-analysis of an arm-level CSV
// through the analytics service (issue #17): league table, ranking,
// inconsistency, as text or --json, and the league table and network graph
// as SVG.
#ifndef KIP_SDK_KIPCTL_NETWORK_COMMAND_H_
#define KIP_SDK_KIPCTL_NETWORK_COMMAND_H_

#include <string>
#include <vector>

#include "sdk/cpp/analytics_client.h"

namespace kip::kipctl {

// Exit status: 0 done, 2 bad input (row and column named), else CallFailed's.
int NetworkMetaAnalysis(const std::vector<std::string>& argv,
                        kip::AnalyticsClient& client);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_NETWORK_COMMAND_H_
