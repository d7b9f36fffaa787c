// How a KIP client reaches a service: target, TLS/mTLS material, the bearer
// token (fixed or from a provider), default deadline, retries and keepalive.
// One struct for all three clients.
#ifndef KIP_SDK_CPP_CONNECTION_OPTIONS_H_
#define KIP_SDK_CPP_CONNECTION_OPTIONS_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <set>
#include <string>

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
};

// The channel for `service` ("kip.dosing.v1.DosingService"), with the retry
// policy applied to `idempotent_methods` of it (to every method when empty).
std::shared_ptr<grpc::Channel> MakeChannel(
    const ConnectionOptions& options, const std::string& service,
    const std::set<std::string>& idempotent_methods);

// A ClientContext with the deadline and the caller's token.
absl::StatusOr<std::unique_ptr<grpc::ClientContext>> MakeContext(
    const ConnectionOptions& options);

}  // namespace kip

#endif  // KIP_SDK_CPP_CONNECTION_OPTIONS_H_
