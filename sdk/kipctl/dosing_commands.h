// `kipctl dosing ...`: protocols, plan, validate, pk (the command-line
// contract of issue #3), in text or --json.
#ifndef KIP_SDK_KIPCTL_DOSING_COMMANDS_H_
#define KIP_SDK_KIPCTL_DOSING_COMMANDS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace kip::kipctl {

struct Connection {
  std::shared_ptr<grpc::Channel> channel;
  std::string token;
};

// The connection options every command accepts (they may come after it),
// alone or added to a command's own.
const std::set<std::string>& GlobalOptions();
std::set<std::string> WithGlobalOptions(std::set<std::string> options);

// A call context with kipctl's deadline and the bearer token.
std::unique_ptr<grpc::ClientContext> NewContext(const Connection& connection);

// Returns the process exit status: 0 ok, 2 invalid input (one line on
// stderr naming the field), 1 any other failure.
int RunDosingCommand(const std::string& command,
                     const std::vector<std::string>& args,
                     const Connection& connection);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_DOSING_COMMANDS_H_
