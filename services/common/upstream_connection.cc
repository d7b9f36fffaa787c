#include "services/common/upstream_connection.h"

#include "absl/strings/str_cat.h"
#include "base/file_util.h"

namespace kip {

absl::StatusOr<ConnectionOptions> UpstreamConnectionOptions(
    const std::string& target, const std::string& ca_cert_path,
    const std::string& ca_flag, absl::Duration deadline) {
  ConnectionOptions options;
  options.target = target;
  if (!ca_cert_path.empty()) {
    absl::StatusOr<std::string> ca = ReadFileToString(ca_cert_path);
    if (!ca.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", ca_flag, ": ", ca.status().message()));
    }
    options.root_certs_pem = *ca;
  }
  options.default_deadline = deadline;
  // Every call refused while sessions is unreachable is a pump that cannot
  // start; gRPC's default reconnect backoff (growing to 120 s) would keep
  // refusing long after a restarted pod is back. A connect attempt per
  // second to a dead address is cheap.
  options.max_reconnect_backoff = absl::Seconds(1);
  return options;
}

}  // namespace kip
