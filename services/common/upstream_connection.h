// How a KIP server reaches another KIP service (dosing and analytics call
// sessions): the SDK's ConnectionOptions for it - TLS when a CA is given,
// round-robin over every address the target resolves to (a Kubernetes
// headless Service lists each pod), reconnecting at least once a second.
// Calls then go through the SDK's connections, like every other client.
#ifndef KIP_SERVICES_COMMON_UPSTREAM_CONNECTION_H_
#define KIP_SERVICES_COMMON_UPSTREAM_CONNECTION_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sdk/cpp/connection_options.h"

namespace kip {

// `ca_cert_path` empty: plaintext. Errors name the flag `ca_flag`.
absl::StatusOr<ConnectionOptions> UpstreamConnectionOptions(
    const std::string& target, const std::string& ca_cert_path,
    const std::string& ca_flag, absl::Duration deadline);

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_UPSTREAM_CONNECTION_H_
