// How a KIP client reaches a service: target, TLS/mTLS material, the bearer
// token (fixed or from a provider), default deadline, retries and keepalive.
// One struct for all three clients.
#ifndef KIP_SDK_CPP_CONNECTION_OPTIONS_H_
#define KIP_SDK_CPP_CONNECTION_OPTIONS_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kip {

struct ConnectionOptions {
  // "127.0.0.1:50051", or "dns:///dosing.kip.svc:50051" (round-robin over all
  // addresses, as a Kubernetes headless service gives).
  std::string target;
  // TLS when set: the CA that signed the server; plus a client certificate
  // and key for mTLS.
  std::string root_certs_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
  // A fixed bearer token, or a provider called before every call (e.g. to
  // refresh it); the provider wins when set.
  std::string bearer_token;
  std::function<absl::StatusOr<std::string>()> token_provider;
  // Deadline of a call when the caller gives none.
  absl::Duration default_deadline = absl::Seconds(10);
  // UNAVAILABLE is retried by gRPC (service-config retryPolicy) on the
  // idempotent methods only, up to this many attempts.
  int max_attempts = 4;
  // Keepalive pings: never more often than once a minute.
  absl::Duration keepalive_time = absl::Minutes(1);
  // Longest wait between reconnection attempts; 0: gRPC's default (growing to
  // 120 s). Servers calling servers use 1 s, to recover as soon as a
  // restarted pod is back.
  absl::Duration max_reconnect_backoff = absl::ZeroDuration();
};

// Options of one call, over the connection's (google-cloud-cpp's per-call
// Options): its own timeout, token and extra metadata.
struct CallOptions {
  // 0: the connection's default_deadline from now.
  absl::Duration timeout = absl::ZeroDuration();
  // Empty: the connection's token (or its provider).
  std::string bearer_token;
  std::vector<std::pair<std::string, std::string>> metadata;
};

// The channel for `service` ("kip.dosing.v1.DosingService"), retrying
// UNAVAILABLE on `retried_methods` of it (none when empty).
std::shared_ptr<grpc::Channel> MakeChannel(
    const ConnectionOptions& options, const std::string& service,
    const std::set<std::string>& retried_methods);
// One channel for several services (the C ABI's): service -> retried methods.
std::shared_ptr<grpc::Channel> MakeChannel(
    const ConnectionOptions& options,
    const std::map<std::string, std::set<std::string>>& retried_by_service);

// A ClientContext with the call's (else the connection's) deadline, token and
// metadata.
absl::StatusOr<std::unique_ptr<grpc::ClientContext>> MakeContext(
    const ConnectionOptions& options, const CallOptions& call = {});

}  // namespace kip

#endif  // KIP_SDK_CPP_CONNECTION_OPTIONS_H_
