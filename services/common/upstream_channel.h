// The channel a KIP server uses to call another KIP service (dosing and
// analytics call sessions): TLS when a CA is given, and round-robin over every
// address the target resolves to (a Kubernetes headless Service lists each
// pod).
#ifndef KIP_SERVICES_COMMON_UPSTREAM_CHANNEL_H_
#define KIP_SERVICES_COMMON_UPSTREAM_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace kip {

// `ca_cert_path` empty: plaintext. Errors name the flag `ca_flag`.
absl::StatusOr<std::shared_ptr<grpc::Channel>> UpstreamChannel(
    const std::string& target, const std::string& ca_cert_path,
    const std::string& ca_flag);

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_UPSTREAM_CHANNEL_H_
