#include "services/common/server_options.h"

#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

ABSL_FLAG(
    std::string, listen, "",
    "host:port to serve on (port 0: chosen by the OS); default per server");
ABSL_FLAG(std::string, health_listen, "",
          "host:port of a plaintext listener that serves only the standard "
          "health service (kubelet grpc probes cannot use TLS); empty: none");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM server certificate chain (enables TLS)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, client_ca, "",
          "PEM CA bundle; when set, clients must present a certificate it "
          "signed (mTLS)");
ABSL_FLAG(std::vector<std::string>, auth_public_key, {},
          "comma-separated PEM public keys (EC P-256 for ES256, RSA for RS256) "
          "that bearer tokens must verify against; required");
ABSL_FLAG(std::string, data_dir, "", "directory for the server's data files");
ABSL_FLAG(
    std::string, port_file, "",
    "write the bound port to this file once serving (for tests and scripts)");
ABSL_FLAG(absl::Duration, drain_delay, absl::Seconds(2),
          "on SIGTERM: time between health NOT_SERVING and Shutdown");
ABSL_FLAG(
    absl::Duration, shutdown_grace, absl::Seconds(10),
    "on SIGTERM: time in-flight calls get to finish before they are cancelled");
ABSL_FLAG(int32_t, max_message_bytes, 4 * 1024 * 1024,
          "largest request or response message, in bytes");
ABSL_FLAG(absl::Duration, keepalive_time, absl::Seconds(60),
          "server keepalive ping interval on idle connections");
ABSL_FLAG(
    absl::Duration, keepalive_timeout, absl::Seconds(20),
    "close a connection whose keepalive ping is not answered within this");
ABSL_FLAG(
    absl::Duration, max_connection_age, absl::Minutes(5),
    "close connections after this age so clients rebalance across replicas");
ABSL_FLAG(absl::Duration, max_connection_age_grace, absl::Seconds(30),
          "time calls get to finish on a connection closed for its age");
ABSL_FLAG(bool, call_log, true, "log one JSON line per call to stderr");
ABSL_FLAG(int32_t, max_concurrent_streams, 100,
          "concurrent calls per client connection; more wait in HTTP/2");
ABSL_FLAG(int32_t, max_open_streams, 64,
          "long server streams (StreamEvents, ExportStudy) open at once; "
          "more are refused with RESOURCE_EXHAUSTED");
ABSL_FLAG(absl::Duration, stream_stall_timeout, absl::Seconds(30),
          "cancel a stream whose client has not taken a message for this long");
ABSL_FLAG(bool, mutex_deadlock_detection, false,
          "abort on a lock-order cycle among absl mutexes (debugging; costs "
          "CPU on every lock)");
ABSL_FLAG(int32_t, memory_quota_mb, 512,
          "memory gRPC may use for all calls' buffers; beyond it calls are "
          "refused with RESOURCE_EXHAUSTED");

namespace kip {
namespace {

absl::Status Positive(absl::Duration value, const char* flag) {
  if (value <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, " must be > 0"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ServerOptions> ServerOptionsFromFlags(
    const std::string& server_name, const std::string& default_listen_address) {
  ServerOptions options;
  options.server_name = server_name;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  if (options.listen_address.empty())
    options.listen_address = default_listen_address;
  options.health_listen_address = absl::GetFlag(FLAGS_health_listen);
  options.tls_cert_path = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key_path = absl::GetFlag(FLAGS_tls_key);
  options.client_ca_path = absl::GetFlag(FLAGS_client_ca);
  options.auth_public_key_paths = absl::GetFlag(FLAGS_auth_public_key);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.drain_delay = absl::GetFlag(FLAGS_drain_delay);
  options.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.keepalive_time = absl::GetFlag(FLAGS_keepalive_time);
  options.keepalive_timeout = absl::GetFlag(FLAGS_keepalive_timeout);
  options.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  options.max_connection_age_grace =
      absl::GetFlag(FLAGS_max_connection_age_grace);
  options.call_log = absl::GetFlag(FLAGS_call_log);
  options.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  options.memory_quota_mb = absl::GetFlag(FLAGS_memory_quota_mb);
  options.max_open_streams = absl::GetFlag(FLAGS_max_open_streams);
  options.stream_stall_timeout = absl::GetFlag(FLAGS_stream_stall_timeout);
  options.mutex_deadlock_detection =
      absl::GetFlag(FLAGS_mutex_deadlock_detection);
  if (options.max_open_streams < 1) {
    return absl::InvalidArgumentError("--max_open_streams must be >= 1");
  }

  if (options.max_concurrent_streams < 1) {
    return absl::InvalidArgumentError("--max_concurrent_streams must be >= 1");
  }
  if (options.memory_quota_mb < 16) {
    return absl::InvalidArgumentError("--memory_quota_mb must be >= 16");
  }

  if (options.auth_public_key_paths.empty()) {
    return absl::InvalidArgumentError(
        "--auth_public_key is required: every RPC needs a verified bearer "
        "token");
  }
  if (options.tls_cert_path.empty() != options.tls_key_path.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  if (!options.client_ca_path.empty() && options.tls_cert_path.empty()) {
    return absl::InvalidArgumentError(
        "--client_ca needs --tls_cert and --tls_key");
  }
  if (options.drain_delay < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--drain_delay must be >= 0");
  }
  for (auto [value, flag] :
       {std::pair{options.shutdown_grace, "shutdown_grace"},
        {options.keepalive_time, "keepalive_time"},
        {options.keepalive_timeout, "keepalive_timeout"},
        {options.max_connection_age, "max_connection_age"},
        {options.max_connection_age_grace, "max_connection_age_grace"},
        {options.stream_stall_timeout, "stream_stall_timeout"}}) {
    if (absl::Status s = Positive(value, flag); !s.ok()) return s;
  }
  if (options.max_message_bytes < 1024) {
    return absl::InvalidArgumentError("--max_message_bytes must be >= 1024");
  }
  return options;
}

}  // namespace kip
