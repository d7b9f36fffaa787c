// kipctl's gateway commands (issue #18): `gateway quarantine` lists the pump
// messages the gateway could not apply, with why (--messages prints each
// message itself, one segment a line).
#ifndef KIP_SDK_KIPCTL_GATEWAY_COMMANDS_H_
#define KIP_SDK_KIPCTL_GATEWAY_COMMANDS_H_

#include <string>
#include <vector>

#include "sdk/cpp/clients.h"

namespace kip::kipctl {

int RunGatewayCommand(const std::string& command,
                      const std::vector<std::string>& argv,
                      const kip::ConnectionOptions& options);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_GATEWAY_COMMANDS_H_
