// ServerCore in-process: health per service, graceful shutdown that completes
// in-flight calls, message size limits, TLS, and the access-policy start check.
#include "services/common/server_core.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "services/common/rpc_guard.h"
#include "services/common/testing/test_pki.h"
#include "services/common/token_signer.h"

namespace kip {
namespace {

namespace dosing = ::kip::dosing::v1;
using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

const AccessPolicy& TestPolicy() {
  static const AccessPolicy* const policy =
      new AccessPolicy("kip.dosing.v1.DosingService",
                       {{"ListProtocols", {Role::kClinician}},
                        {"GetProtocol", {Role::kClinician}},
                        {"PlanCourse", {Role::kClinician}},
                        {"ValidateProgram", {Role::kClinician}},
                        {"ProposeTitration", {Role::kClinician}},
                        {"PredictConcentration", {Role::kClinician}}});
  return *policy;
}

// ListProtocols answers after `delay`, so a call can be in flight at shutdown.
class SlowService final : public dosing::DosingService::CallbackService {
 public:
  SlowService(const Authenticator& auth, absl::Duration delay)
      : guard_(auth, TestPolicy()), delay_(delay) {}
  grpc::ServerUnaryReactor* ListProtocols(
      grpc::CallbackServerContext* context, const dosing::ListProtocolsRequest*,
      dosing::ListProtocolsResponse* response) override {
    started_.Notify();
    return guard_.Unary(context, "ListProtocols", [&](const Principal&) {
      absl::SleepFor(delay_);
      response->mutable_library()->set_version("test");
      return absl::OkStatus();
    });
  }
  absl::Notification& started() { return started_; }

 private:
  RpcGuard guard_;
  absl::Duration delay_;
  absl::Notification started_;
};

class ServerCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::KeyPair keys = testing::NewEcP256KeyPair();
    auto verifier = TokenVerifier::FromPublicKeyPems({keys.public_pem});
    ASSERT_TRUE(verifier.ok());
    auth_ = std::make_unique<Authenticator>(*std::move(verifier));
    auto signer = TokenSigner::FromPrivateKeyPem(keys.private_pem);
    ASSERT_TRUE(signer.ok());
    auto token = signer->Sign({"dr-a", "clinician", "site-a",
                               absl::Now() + absl::Hours(1), std::nullopt});
    ASSERT_TRUE(token.ok());
    token_ = *token;
    options_.server_name = "test";
    options_.listen_address = "127.0.0.1:0";
    options_.drain_delay = absl::Milliseconds(400);
    options_.shutdown_grace = absl::Seconds(5);
    options_.call_log = false;
  }

  std::unique_ptr<ServerCore> StartOrDie(grpc::Service* service) {
    auto core = ServerCore::Start(options_, {{service, &TestPolicy()}});
    EXPECT_TRUE(core.ok()) << core.status();
    return core.ok() ? *std::move(core) : nullptr;
  }

  std::shared_ptr<grpc::Channel> Channel(
      int port, std::shared_ptr<grpc::ChannelCredentials> creds =
                    grpc::InsecureChannelCredentials()) {
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), creds,
                                     args);
  }

  static grpc::Status CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                  const std::string& service,
                                  HealthCheckResponse::ServingStatus* status) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    grpc::Status rpc =
        Health::NewStub(channel)->Check(&context, request, &response);
    *status = response.status();
    return rpc;
  }

  grpc::Status ListProtocols(const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token_);
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    dosing::ListProtocolsResponse response;
    return dosing::DosingService::NewStub(channel)->ListProtocols(
        &context, dosing::ListProtocolsRequest(), &response);
  }

  ServerOptions options_;
  std::unique_ptr<Authenticator> auth_;
  std::string token_;
};

TEST_F(ServerCoreTest, ReportsServingForServerAndEachService) {
  SlowService service(*auth_, absl::ZeroDuration());
  std::unique_ptr<ServerCore> core = StartOrDie(&service);
  ASSERT_NE(core, nullptr);
  auto channel = Channel(core->port());
  for (const std::string name : {"", "kip.dosing.v1.DosingService"}) {
    HealthCheckResponse::ServingStatus status;
    ASSERT_TRUE(CheckHealth(channel, name, &status).ok()) << name;
    EXPECT_EQ(status, HealthCheckResponse::SERVING) << name;
  }
  HealthCheckResponse::ServingStatus status;
  EXPECT_EQ(CheckHealth(channel, "no.such.Service", &status).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServerCoreTest, ShutdownDrainsAndCompletesInFlightCalls) {
  SlowService service(*auth_, absl::Milliseconds(1500));
  std::unique_ptr<ServerCore> core = StartOrDie(&service);
  ASSERT_NE(core, nullptr);
  auto channel = Channel(core->port());
  grpc::Status in_flight;
  std::thread caller([&] { in_flight = ListProtocols(channel); });
  service.started().WaitForNotification();

  const absl::Time begin = absl::Now();
  std::thread stopper([&] { core->Shutdown(); });
  absl::SleepFor(absl::Milliseconds(150));
  // During the drain delay the server still answers, but health says go away.
  HealthCheckResponse::ServingStatus status;
  ASSERT_TRUE(CheckHealth(channel, "", &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::NOT_SERVING);
  ASSERT_TRUE(
      CheckHealth(channel, "kip.dosing.v1.DosingService", &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::NOT_SERVING);

  stopper.join();
  caller.join();
  const absl::Duration took = absl::Now() - begin;
  EXPECT_TRUE(in_flight.ok()) << in_flight.error_message();
  EXPECT_LT(took, options_.drain_delay + options_.shutdown_grace);
  // After shutdown nothing is accepted.
  EXPECT_EQ(ListProtocols(Channel(core->port())).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ServerCoreTest, ShutdownCancelsCallsThatOutliveTheGrace) {
  options_.drain_delay = absl::ZeroDuration();
  options_.shutdown_grace = absl::Milliseconds(300);
  SlowService service(*auth_, absl::Seconds(2));
  std::unique_ptr<ServerCore> core = StartOrDie(&service);
  ASSERT_NE(core, nullptr);
  auto channel = Channel(core->port());
  grpc::Status in_flight;
  std::thread caller([&] { in_flight = ListProtocols(channel); });
  service.started().WaitForNotification();
  const absl::Time begin = absl::Now();
  std::thread stopper([&] { core->Shutdown(); });
  caller.join();
  // The client is released at the grace deadline, not when the handler ends.
  EXPECT_FALSE(in_flight.ok());
  EXPECT_LT(absl::Now() - begin, absl::Milliseconds(1500));
  stopper.join();
}

TEST_F(ServerCoreTest, RefusesOversizedMessages) {
  options_.max_message_bytes = 4096;
  SlowService service(*auth_, absl::ZeroDuration());
  std::unique_ptr<ServerCore> core = StartOrDie(&service);
  ASSERT_NE(core, nullptr);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token_);
  dosing::GetProtocolRequest request;
  request.set_protocol_id(std::string(10000, 'x'));
  dosing::GetProtocolResponse response;
  grpc::Status status = dosing::DosingService::NewStub(Channel(core->port()))
                            ->GetProtocol(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(ServerCoreTest, RefusesToStartWithAPolicyThatMissesAnRpc) {
  static const AccessPolicy* const partial = new AccessPolicy(
      "kip.dosing.v1.DosingService", {{"ListProtocols", {Role::kAdmin}}});
  SlowService service(*auth_, absl::ZeroDuration());
  auto core = ServerCore::Start(options_, {{&service, partial}});
  ASSERT_FALSE(core.ok());
  EXPECT_EQ(core.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(core.status().message().find("PlanCourse"), std::string::npos);
}

TEST_F(ServerCoreTest, TlsServerRefusesPlaintextAndServesTls) {
  testing::TestPki pki = testing::NewTestPki();
  options_.tls_cert_path =
      testing::WriteTempFile("server.crt", pki.server.cert_pem);
  options_.tls_key_path =
      testing::WriteTempFile("server.key", pki.server.key_pem);
  SlowService service(*auth_, absl::ZeroDuration());
  std::unique_ptr<ServerCore> core = StartOrDie(&service);
  ASSERT_NE(core, nullptr);
  HealthCheckResponse::ServingStatus status;
  EXPECT_EQ(CheckHealth(Channel(core->port()), "", &status).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = pki.ca.cert_pem;
  auto secure = Channel(core->port(), grpc::SslCredentials(tls));
  ASSERT_TRUE(CheckHealth(secure, "", &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::SERVING);
  EXPECT_TRUE(ListProtocols(secure).ok());
}

// kubelet's grpc probes cannot speak TLS: --health_listen gives them a
// plaintext port that answers health (and follows the drain), nothing else.
TEST_F(ServerCoreTest, PlaintextHealthPortBesideATlsServer) {
  testing::TestPki pki = testing::NewTestPki();
  options_.tls_cert_path =
      testing::WriteTempFile("server.crt", pki.server.cert_pem);
  options_.tls_key_path =
      testing::WriteTempFile("server.key", pki.server.key_pem);
  options_.health_listen_address = "127.0.0.1:0";
  SlowService service(*auth_, absl::ZeroDuration());
  std::unique_ptr<ServerCore> core = StartOrDie(&service);
  ASSERT_NE(core, nullptr);
  ASSERT_GT(core->health_port(), 0);
  auto health = Channel(core->health_port());
  HealthCheckResponse::ServingStatus status;
  for (const std::string name : {"", "kip.dosing.v1.DosingService"}) {
    ASSERT_TRUE(CheckHealth(health, name, &status).ok()) << name;
    EXPECT_EQ(status, HealthCheckResponse::SERVING) << name;
  }
  // The API itself is not served there.
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token_);
  dosing::ListProtocolsResponse response;
  EXPECT_EQ(dosing::DosingService::NewStub(health)
                ->ListProtocols(&context, {}, &response)
                .error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  std::thread stopper([&] { core->Shutdown(); });
  absl::SleepFor(absl::Milliseconds(150));  // inside the 400 ms drain
  ASSERT_TRUE(CheckHealth(health, "kip.dosing.v1.DosingService", &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::NOT_SERVING);
  stopper.join();
}

TEST_F(ServerCoreTest, MutualTlsRequiresAClientCertificateFromTheCa) {
  testing::TestPki pki = testing::NewTestPki();
  testing::TestPki other = testing::NewTestPki();
  options_.tls_cert_path =
      testing::WriteTempFile("server.crt", pki.server.cert_pem);
  options_.tls_key_path =
      testing::WriteTempFile("server.key", pki.server.key_pem);
  options_.client_ca_path = testing::WriteTempFile("ca.crt", pki.ca.cert_pem);
  SlowService service(*auth_, absl::ZeroDuration());
  std::unique_ptr<ServerCore> core = StartOrDie(&service);
  ASSERT_NE(core, nullptr);
  HealthCheckResponse::ServingStatus status;

  grpc::SslCredentialsOptions no_cert;
  no_cert.pem_root_certs = pki.ca.cert_pem;
  EXPECT_FALSE(CheckHealth(Channel(core->port(), grpc::SslCredentials(no_cert)),
                           "", &status)
                   .ok());

  grpc::SslCredentialsOptions foreign_cert = no_cert;
  foreign_cert.pem_private_key = other.client.key_pem;
  foreign_cert.pem_cert_chain = other.client.cert_pem;
  EXPECT_FALSE(
      CheckHealth(Channel(core->port(), grpc::SslCredentials(foreign_cert)), "",
                  &status)
          .ok());

  grpc::SslCredentialsOptions with_cert = no_cert;
  with_cert.pem_private_key = pki.client.key_pem;
  with_cert.pem_cert_chain = pki.client.cert_pem;
  ASSERT_TRUE(
      CheckHealth(Channel(core->port(), grpc::SslCredentials(with_cert)), "",
                  &status)
          .ok());
  EXPECT_EQ(status, HealthCheckResponse::SERVING);
}

}  // namespace
}  // namespace kip
