// `kipctl dosing ...`: protocols, plan, validate, titrate, pk (the
// command-line contract of issue #3), in text or --json, through the SDK's
// DosingClient (its deadline, retries and token).
#ifndef KIP_SDK_KIPCTL_DOSING_COMMANDS_H_
#define KIP_SDK_KIPCTL_DOSING_COMMANDS_H_

#include <set>
#include <string>
#include <vector>

#include "sdk/cpp/clients.h"

namespace kip::kipctl {

// The connection options every command accepts (they may come after it),
// alone or added to a command's own.
const std::set<std::string>& GlobalOptions();
std::set<std::string> WithGlobalOptions(std::set<std::string> options);

// Returns the process exit status: 0 ok, 2 invalid input (one line on
// stderr naming the field), 1 any other failure.
int RunDosingCommand(const std::string& command,
                     const std::vector<std::string>& args,
                     kip::DosingClient& client);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_DOSING_COMMANDS_H_
