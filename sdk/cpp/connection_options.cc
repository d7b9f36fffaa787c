#include "sdk/cpp/connection_options.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kip {

std::shared_ptr<grpc::Channel> MakeChannel(
    const ConnectionOptions& options, const std::string& service,
    const std::set<std::string>& retried_methods) {
  return MakeChannel(options, {{service, retried_methods}});
}

std::shared_ptr<grpc::Channel> MakeChannel(
    const ConnectionOptions& options,
    const std::map<std::string, std::set<std::string>>& retried_by_service) {
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
  for (const auto& [service, methods] : retried_by_service) {
    for (const std::string& method : methods) {
      names.push_back(absl::StrCat(R"({"service":")", service,
                                   R"(","method":")", method, R"("})"));
    }
  }
  std::string config = R"({"loadBalancingConfig":[{"round_robin":{}}]})";
  if (!names.empty()) {
    config = absl::StrCat(
        R"({"loadBalancingConfig":[{"round_robin":{}}],"methodConfig":[{"name":[)",
        absl::StrJoin(names, ","), R"(],"retryPolicy":{"maxAttempts":)",
        std::clamp(options.max_attempts, 2, 5),
        R"(,"initialBackoff":"0.1s","maxBackoff":"2s","backoffMultiplier":2,)",
        R"("retryableStatusCodes":["UNAVAILABLE"]}}]})");
  }
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(config);
  args.SetInt(
      GRPC_ARG_KEEPALIVE_TIME_MS,
      static_cast<int>(std::max(
          absl::ToInt64Milliseconds(options.keepalive_time), int64_t{60000})));
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  if (options.max_reconnect_backoff > absl::ZeroDuration()) {
    const int max_ms = static_cast<int>(
        absl::ToInt64Milliseconds(options.max_reconnect_backoff));
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, std::min(100, max_ms));
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, max_ms);
  }
  return grpc::CreateCustomChannel(options.target, credentials, args);
}

absl::StatusOr<std::unique_ptr<grpc::ClientContext>> MakeContext(
    const ConnectionOptions& options, const CallOptions& call) {
  auto context = std::make_unique<grpc::ClientContext>();
  const absl::Duration timeout = call.timeout > absl::ZeroDuration()
                                     ? call.timeout
                                     : options.default_deadline;
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  for (const auto& [key, value] : call.metadata) {
    context->AddMetadata(key, value);
  }
  std::string token = call.bearer_token;
  if (!token.empty()) {
    context->AddMetadata("authorization", "Bearer " + token);
    return context;
  }
  token = options.bearer_token;
  if (options.token_provider) {
    absl::StatusOr<std::string> provided = options.token_provider();
    if (!provided.ok()) return provided.status();
    token = *provided;
  }
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

}  // namespace kip
