// Settings every KIP server shares, read from absl flags by
// ServerOptionsFromFlags.
#ifndef KIP_SERVICES_COMMON_SERVER_OPTIONS_H_
#define KIP_SERVICES_COMMON_SERVER_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kip {

struct ServerOptions {
  std::string server_name;     // "dosing", "sessions", "analytics"
  std::string listen_address;  // host:port; port 0 = OS-chosen
  // host:port of a plaintext listener serving only grpc.health.v1.Health
  // (for kubelet's grpc probes, which cannot speak TLS); empty = none.
  std::string health_listen_address;
  std::string
      tls_cert_path;  // PEM; empty = plaintext (loopback development only)
  std::string tls_key_path;
  std::string
      client_ca_path;  // PEM; set = mTLS, clients must present a cert it signed
  std::vector<std::string>
      auth_public_key_paths;  // PEM public keys verifying tokens
  std::string data_dir;       // where a service keeps its files
  std::string port_file;  // if set, the bound port is written here once serving
  absl::Duration drain_delay = absl::Seconds(2);  // NOT_SERVING before Shutdown
  absl::Duration shutdown_grace =
      absl::Seconds(10);  // in-flight calls may finish
  int max_message_bytes = 4 * 1024 * 1024;
  absl::Duration keepalive_time = absl::Seconds(60);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  absl::Duration max_connection_age = absl::Minutes(5);
  absl::Duration max_connection_age_grace = absl::Seconds(30);
  bool call_log = true;
  // Concurrent calls per connection (HTTP/2 flow control holds back more)
  // and the memory gRPC may buffer for all calls together.
  int max_concurrent_streams = 100;
  int memory_quota_mb = 512;
  // Long server streams (a thread each): how many at once, and how long a
  // write may wait for a client that does not read before the call is
  // cancelled.
  int max_open_streams = 64;
  absl::Duration stream_stall_timeout = absl::Seconds(30);
  // Abseil's lock-order graph: a debugging aid that takes a global lock on
  // every mutex acquisition (a few % of a small RPC's CPU), so off by default.
  bool mutex_deadlock_detection = false;
};

// Reads the shared flags (--listen, --tls_cert, --tls_key, --client_ca,
// --auth_public_key, --data_dir, ...). INVALID_ARGUMENT names the bad flag.
absl::StatusOr<ServerOptions> ServerOptionsFromFlags(
    const std::string& server_name, const std::string& default_listen_address);

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_SERVER_OPTIONS_H_
