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
  return grpc::CreateCustomChannel(target, credentials, args);
}

}  // namespace kip
