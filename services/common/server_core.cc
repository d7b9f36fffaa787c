#include "services/common/server_core.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/server_interceptor.h>
#include <signal.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/file_util.h"
#include "services/common/call_log_interceptor.h"
#include "services/common/stream_limits.h"

namespace kip {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* flag) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": cannot read ", path));
  }
  if (text->find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": ", path, " is not PEM"));
  }
  return *std::move(text);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServerOptions& options) {
  if (options.tls_cert_path.empty()) return grpc::InsecureServerCredentials();
  absl::StatusOr<std::string> cert = ReadPem(options.tls_cert_path, "tls_cert");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem(options.tls_key_path, "tls_key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions ssl(
      options.client_ca_path.empty()
          ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!options.client_ca_path.empty()) {
    absl::StatusOr<std::string> ca =
        ReadPem(options.client_ca_path, "client_ca");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
  }
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(ssl);
}

int Millis(absl::Duration d) {
  return static_cast<int>(absl::ToInt64Milliseconds(d));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerCore>> ServerCore::Start(
    const ServerOptions& options, const std::vector<HostedService>& services) {
  for (const HostedService& hosted : services) {
    if (absl::Status covered = hosted.policy->CheckCoversService();
        !covered.ok()) {
      return covered;
    }
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      Credentials(options);
  if (!credentials.ok()) return credentials.status();

  SetStreamLimits({options.max_open_streams, options.stream_stall_timeout});
  absl::SetMutexDeadlockDetectionMode(options.mutex_deadlock_detection
                                          ? absl::OnDeadlockCycle::kAbort
                                          : absl::OnDeadlockCycle::kIgnore);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen_address, *credentials, &port);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             Millis(options.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             Millis(options.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // Clients may ping once every 30 s (the SDK pings at most once a minute).
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 30'000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             Millis(options.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             Millis(options.max_connection_age_grace));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options.max_concurrent_streams);
  grpc::ResourceQuota quota(options.server_name + "-calls");
  quota.Resize(static_cast<size_t>(options.memory_quota_mb) << 20);
  builder.SetResourceQuota(quota);
  if (options.call_log) {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(
        std::make_unique<CallLogInterceptorFactory>(options.server_name));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  }
  for (const HostedService& hosted : services)
    builder.RegisterService(hosted.service);

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address));
  }
  std::unique_ptr<grpc::Server> health_server;
  int health_port = 0;
  if (!options.health_listen_address.empty()) {
    // Its own server, so that nothing but health is reachable without TLS.
    grpc::ServerBuilder health_builder;
    health_builder.AddListeningPort(options.health_listen_address,
                                    grpc::InsecureServerCredentials(),
                                    &health_port);
    health_server = health_builder.BuildAndStart();
    if (health_server == nullptr || health_port == 0) {
      server->Shutdown();
      return absl::UnavailableError(absl::StrCat(
          "--health_listen: cannot listen on ", options.health_listen_address));
    }
  }
  auto core = std::unique_ptr<ServerCore>(new ServerCore(
      options, std::move(server), port, std::move(health_server), health_port));
  for (const HostedService& hosted : services) {
    core->service_names_.push_back(hosted.policy->service());
  }
  core->SetServing(true);
  return core;
}

void ServerCore::SetServing(bool serving) {
  for (grpc::Server* s : {server_.get(), health_server_.get()}) {
    if (s == nullptr) continue;
    grpc::HealthCheckServiceInterface* health = s->GetHealthCheckService();
    health->SetServingStatus(serving);
    for (const std::string& name : service_names_) {
      health->SetServingStatus(name, serving);
    }
  }
}

void ServerCore::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  // Load balancers and kubelet see NOT_SERVING first and stop sending new
  // calls.
  SetServing(false);
  absl::SleepFor(options_.drain_delay);
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoSeconds(options_.shutdown_grace));
  server_->Wait();
  if (health_server_ != nullptr) {
    health_server_->Shutdown(std::chrono::system_clock::now());
    health_server_->Wait();
  }
}

ServerCore::~ServerCore() { Shutdown(); }

absl::StatusOr<std::unique_ptr<Authenticator>> AuthenticatorFromOptions(
    const ServerOptions& options) {
  absl::StatusOr<TokenVerifier> verifier =
      TokenVerifier::FromPublicKeyFiles(options.auth_public_key_paths);
  if (!verifier.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--auth_public_key: ", verifier.status().message()));
  }
  return std::make_unique<Authenticator>(*std::move(verifier));
}

void BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  while (sigwait(&signals, &received) != 0) {
  }
  return received;
}

int RunServerUntilSignal(const ServerOptions& options,
                         const std::vector<HostedService>& services,
                         const std::function<void()>& before_shutdown) {
  absl::StatusOr<std::unique_ptr<ServerCore>> core =
      ServerCore::Start(options, services);
  if (!core.ok()) {
    std::fprintf(stderr, "%s_server: %s\n", options.server_name.c_str(),
                 core.status().ToString().c_str());
    return 1;
  }
  if (!options.port_file.empty()) {
    // Written then renamed, so a reader never sees a half-written port.
    const std::string tmp = options.port_file + ".tmp";
    std::ofstream(tmp) << (*core)->port() << "\n";
    std::rename(tmp.c_str(), options.port_file.c_str());
  }
  std::fprintf(stderr, "%s_server: serving on port %d (%s)\n",
               options.server_name.c_str(), (*core)->port(),
               options.tls_cert_path.empty()    ? "plaintext"
               : options.client_ca_path.empty() ? "TLS"
                                                : "mTLS");
  if ((*core)->health_port() != 0) {
    std::fprintf(stderr, "%s_server: health (plaintext) on port %d\n",
                 options.server_name.c_str(), (*core)->health_port());
  }
  const int signal = WaitForTerminationSignal();
  std::fprintf(stderr, "%s_server: signal %d, draining\n",
               options.server_name.c_str(), signal);
  if (before_shutdown) before_shutdown();
  (*core)->Shutdown();
  std::fprintf(stderr, "%s_server: stopped\n", options.server_name.c_str());
  return 0;
}

}  // namespace kip
