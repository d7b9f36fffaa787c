// The server bootstrap the three KIP services share: callback-API gRPC server
// with TLS/mTLS, bearer-token auth (through RpcGuard), the standard health
// service (a status per service), reflection, keepalive, max connection age,
// message size limits, a JSON call log, and graceful shutdown.
//
//   BlockTerminationSignals();            // first thing in main()
//   ... parse flags, build services ...
//   return RunServerUntilSignal(options, {{&service, &kDosingPolicy}});
#ifndef KIP_SERVICES_COMMON_SERVER_CORE_H_
#define KIP_SERVICES_COMMON_SERVER_CORE_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/access_policy.h"
#include "services/common/authenticator.h"
#include "services/common/server_options.h"

namespace kip {

struct HostedService {
  grpc::Service* service;      // not owned
  const AccessPolicy* policy;  // names the proto service; must cover every RPC
};

class ServerCore {
 public:
  // Starts serving; every service's health status is SERVING once this returns.
  static absl::StatusOr<std::unique_ptr<ServerCore>> Start(
      const ServerOptions& options, const std::vector<HostedService>& services);

  int port() const { return port_; }
  int health_port() const { return health_port_; }  // 0: no --health_listen
  grpc::Server* server() { return server_.get(); }

  // Health to NOT_SERVING, wait drain_delay, Shutdown(now + shutdown_grace)
  // (in-flight calls finish, later ones are refused), then wait for the end.
  void Shutdown();

  ~ServerCore();

 private:
  ServerCore(ServerOptions options, std::unique_ptr<grpc::Server> server,
             int port, std::unique_ptr<grpc::Server> health_server,
             int health_port)
      : options_(std::move(options)),
        server_(std::move(server)),
        port_(port),
        health_server_(std::move(health_server)),
        health_port_(health_port) {}
  void SetServing(bool serving);
  ServerOptions options_;
  std::unique_ptr<grpc::Server> server_;
  int port_;
  std::unique_ptr<grpc::Server> health_server_;  // plaintext, health only
  int health_port_;
  std::vector<std::string> service_names_;
  bool shut_down_ = false;
};

// Loads the token verifier from options.auth_public_key_paths.
absl::StatusOr<std::unique_ptr<Authenticator>> AuthenticatorFromOptions(
    const ServerOptions& options);

// Blocks SIGTERM and SIGINT in the calling thread and every thread created
// after; call first in main() so that WaitForTerminationSignal receives them.
void BlockTerminationSignals();
// Returns the signal number once SIGTERM or SIGINT arrives.
int WaitForTerminationSignal();

// Start, write the port file, log the address, wait for SIGTERM/SIGINT, shut
// down gracefully. Returns the process exit code.
// `before_shutdown`, if given, runs once the signal arrives and before the
// gRPC server drains (the gateway stops its MLLP listener there).
int RunServerUntilSignal(const ServerOptions& options,
                         const std::vector<HostedService>& services,
                         const std::function<void()>& before_shutdown = {});

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_SERVER_CORE_H_
