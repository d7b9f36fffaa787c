#include "services/common/server_main.h"

#include <cstdio>
#include <cstdlib>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "services/common/server_core.h"

namespace kip {

ServerSetup InitServerOrExit(int argc, char** argv,
                             const std::string& server_name,
                             const std::string& default_listen_address,
                             const std::string& usage) {
  // Before gRPC starts any thread, so that only sigwait() sees SIGTERM/SIGINT.
  BlockTerminationSignals();
  absl::SetProgramUsageMessage(usage);
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<ServerOptions> options =
      ServerOptionsFromFlags(server_name, default_listen_address);
  if (!options.ok()) {
    std::fprintf(stderr, "%s_server: %s\n", server_name.c_str(),
                 std::string(options.status().message()).c_str());
    std::exit(2);
  }
  absl::StatusOr<std::unique_ptr<Authenticator>> authenticator =
      AuthenticatorFromOptions(*options);
  if (!authenticator.ok()) {
    std::fprintf(stderr, "%s_server: %s\n", server_name.c_str(),
                 std::string(authenticator.status().message()).c_str());
    std::exit(2);
  }
  return ServerSetup{*std::move(options), *std::move(authenticator)};
}

}  // namespace kip
