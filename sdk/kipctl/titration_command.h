// `kipctl dosing titrate`: the next titration step from the current rate and
// observations (ProposeTitration), in text or --json.
#ifndef KIP_SDK_KIPCTL_TITRATION_COMMAND_H_
#define KIP_SDK_KIPCTL_TITRATION_COMMAND_H_

#include <string>
#include <vector>

#include "sdk/kipctl/dosing_commands.h"

namespace kip::kipctl {

int TitrateCommand(const std::vector<std::string>& argv,
                   kip::DosingClient& client);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_TITRATION_COMMAND_H_
