// `kipctl sessions start|log|show|verify|export`: the session log from the
// command line, through the C++ SDK.
#ifndef KIP_SDK_KIPCTL_SESSIONS_COMMANDS_H_
#define KIP_SDK_KIPCTL_SESSIONS_COMMANDS_H_

#include <string>
#include <vector>

#include "sdk/cpp/connection_options.h"

namespace kip::kipctl {

// Exit status: 0 ok, 2 invalid input, 1 other failures.
int RunSessionsCommand(const std::string& command,
                       const std::vector<std::string>& args,
                       const kip::ConnectionOptions& options);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_SESSIONS_COMMANDS_H_
