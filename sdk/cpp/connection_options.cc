#include "sdk/cpp/connection_options.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kip {

std::shared_ptr<grpc::Channel> MakeChannel(
    const ConnectionOptions& options, const std::string& service,
    const std::set<std::string>& idempotent_methods) {
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (!options.root_certs_pem.empty()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options.root_certs_pem;
    ssl.pem_cert_chain = options.client_cert_pem;
    ssl.pem_private_key = options.client_key_pem;
    credentials = grpc::SslCredentials(ssl);
  }
  std::vector<std::string> names;
  for (const std::string& method : idempotent_methods) {
    names.push_back(absl::StrCat(R"({"service":")", service, R"(","method":")",
                                 method, R"("})"));
  }
  // No list: the policy is every method's default.
  if (names.empty()) names.push_back("{}");
  const std::string config = absl::StrCat(
      R"({"loadBalancingConfig":[{"round_robin":{}}],"methodConfig":[{"name":[)",
      absl::StrJoin(names, ","), R"(],"retryPolicy":{"maxAttempts":)",
      std::clamp(options.max_attempts, 2, 5),
      R"(,"initialBackoff":"0.1s","maxBackoff":"2s","backoffMultiplier":2,)",
      R"("retryableStatusCodes":["UNAVAILABLE"]}}]})");
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(config);
  args.SetInt(
      GRPC_ARG_KEEPALIVE_TIME_MS,
      static_cast<int>(std::max(
          absl::ToInt64Milliseconds(options.keepalive_time), int64_t{60000})));
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  return grpc::CreateCustomChannel(options.target, credentials, args);
}

absl::StatusOr<std::unique_ptr<grpc::ClientContext>> MakeContext(
    const ConnectionOptions& options) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(
      absl::ToChronoTime(absl::Now() + options.default_deadline));
  std::string token = options.bearer_token;
  if (options.token_provider) {
    absl::StatusOr<std::string> provided = options.token_provider();
    if (!provided.ok()) return provided.status();
    token = *provided;
  }
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

}  // namespace kip
