#include "services/common/upstream_channel.h"

#include "absl/strings/str_cat.h"
#include "services/common/file_util.h"

namespace kip {

absl::StatusOr<std::shared_ptr<grpc::Channel>> UpstreamChannel(
    const std::string& target, const std::string& ca_cert_path,
    const std::string& ca_flag) {
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (!ca_cert_path.empty()) {
    absl::StatusOr<std::string> ca = ReadFileToString(ca_cert_path);
    if (!ca.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", ca_flag, ": ", ca.status().message()));
    }
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = *ca;
    credentials = grpc::SslCredentials(options);
  }
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(R"({"loadBalancingConfig":[{"round_robin":{}}]})");
  // Every call refused while sessions is unreachable is a pump that cannot
  // start; gRPC's default reconnect backoff (growing to 120 s) would keep
  // refusing long after a restarted pod is back. A connect attempt per
  // second to a dead address is cheap.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  return grpc::CreateCustomChannel(target, credentials, args);
}

}  // namespace kip
