// kipctl's safety commands (issue #16): `safety reports` lists a study's
// serious adverse events with their reporting clocks (time left or overdue);
// `safety deviations` its protocol deviations found from the log; `safety
// cqi` its drug-library quality report (from the analytics service).
#ifndef KIP_SDK_KIPCTL_SAFETY_COMMANDS_H_
#define KIP_SDK_KIPCTL_SAFETY_COMMANDS_H_

#include <string>
#include <vector>

#include "sdk/cpp/clients.h"

namespace kip::kipctl {

int RunSafetyCommand(const std::string& command,
                     const std::vector<std::string>& argv,
                     const kip::ConnectionOptions& options);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_SAFETY_COMMANDS_H_
