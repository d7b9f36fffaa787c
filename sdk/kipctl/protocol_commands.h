// `kipctl dosing protocols` (the library, a line per protocol) and
// `kipctl dosing protocol --protocol ID` (one protocol, every field and
// its sources), in text or --json.
#ifndef KIP_SDK_KIPCTL_PROTOCOL_COMMANDS_H_
#define KIP_SDK_KIPCTL_PROTOCOL_COMMANDS_H_

#include <string>
#include <vector>

#include "sdk/kipctl/dosing_commands.h"

namespace kip::kipctl {

int ListProtocolsCommand(const std::vector<std::string>& argv,
                         kip::DosingClient& client);
int ShowProtocolCommand(const std::vector<std::string>& argv,
                        kip::DosingClient& client);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_PROTOCOL_COMMANDS_H_
