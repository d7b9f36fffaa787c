// The three real server binaries on OS-chosen ports: health, authentication on
// every RPC of every service, the role tables, the call log, and SIGTERM.
#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <future>
#include <map>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "kip/analytics/v1/analytics.grpc.pb.h"
#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "services/analytics/access_policy.h"
#include "services/common/testing/test_pki.h"
#include "services/common/token_signer.h"
#include "services/dosing/access_policy.h"
#include "services/sessions/access_policy.h"
#include "tests/integration/server_process.h"

namespace kip {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::kip::testing::ServerProcess;

struct ServerSpec {
  const char* name;
  const char* binary;
  const AccessPolicy* policy;
};

std::vector<ServerSpec> Specs() {
  return {{"dosing", "services/dosing/dosing_server",
           &dosing::DosingAccessPolicy()},
          {"sessions", "services/sessions/sessions_server",
           &sessions::SessionsAccessPolicy()},
          {"analytics", "services/analytics/analytics_server",
           &analytics::AnalyticsAccessPolicy()}};
}

const Role kRoles[] = {Role::kDevice, Role::kClinician, Role::kResearcher,
                       Role::kAdmin};

class FoundationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::KeyPair keys = testing::NewEcP256KeyPair();
    signer_ =
        new TokenSigner(*TokenSigner::FromPrivateKeyPem(keys.private_pem));
    other_signer_ = new TokenSigner(*TokenSigner::FromPrivateKeyPem(
        testing::NewEcP256KeyPair().private_pem));
    public_key_path_ =
        new std::string(testing::WriteTempFile("auth.pub", keys.public_pem));
    servers_ = new std::map<std::string, ServerProcess>();
    for (const ServerSpec& spec : Specs()) {
      auto server = ServerProcess::Start(spec.binary, BaseArgs(), spec.name);
      ASSERT_TRUE(server.ok()) << server.status();
      servers_->emplace(spec.name, *std::move(server));
    }
  }
  static void TearDownTestSuite() {
    delete servers_;
    servers_ = nullptr;
  }

  static std::vector<std::string> BaseArgs() {
    return {absl::StrCat("--auth_public_key=", *public_key_path_),
            absl::StrCat("--data_dir=", getenv("TEST_TMPDIR"))};
  }

  static std::string Token(const std::string& role,
                           absl::Duration valid_for = absl::Hours(1),
                           const TokenSigner* signer = nullptr) {
    auto token = (signer != nullptr ? signer : signer_)
                     ->Sign({"test-" + role, role, "site-a",
                             absl::Now() + valid_for, std::nullopt});
    EXPECT_TRUE(token.ok());
    return *token;
  }

  static std::shared_ptr<grpc::Channel> Channel(const std::string& name) {
    return grpc::CreateChannel(servers_->at(name).address(),
                               grpc::InsecureChannelCredentials());
  }

  // Calls `full_method` with an empty request; the bearer token may be empty.
  static grpc::Status Call(const std::shared_ptr<grpc::Channel>& channel,
                           const std::string& full_method,
                           const std::string& token) {
    grpc::GenericStub stub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    grpc::ByteBuffer request;
    grpc::Slice empty("");
    request = grpc::ByteBuffer(&empty, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, full_method, grpc::StubOptions(), &request,
                   &response,
                   [&done](grpc::Status status) { done.set_value(status); });
    return done.get_future().get();
  }

  static std::vector<std::string> Methods(const AccessPolicy& policy) {
    // References keep each service's .pb.o, which registers the descriptors,
    // in a statically linked test binary (--config=tsan links statically).
    for (const auto* linked :
         {kip::dosing::v1::PlanCourseRequest::descriptor(),
          kip::sessions::v1::AppendEventsRequest::descriptor(),
          kip::analytics::v1::RunMetaAnalysisRequest::descriptor()}) {
      EXPECT_NE(linked, nullptr);
    }
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            policy.service());
    EXPECT_NE(service, nullptr) << policy.service();
    std::vector<std::string> methods;
    for (int i = 0; service != nullptr && i < service->method_count(); ++i) {
      methods.push_back(service->method(i)->name());
    }
    return methods;
  }

  static TokenSigner* signer_;
  static TokenSigner* other_signer_;
  static std::string* public_key_path_;
  static std::map<std::string, ServerProcess>* servers_;
};
TokenSigner* FoundationTest::signer_ = nullptr;
TokenSigner* FoundationTest::other_signer_ = nullptr;
std::string* FoundationTest::public_key_path_ = nullptr;
std::map<std::string, ServerProcess>* FoundationTest::servers_ = nullptr;

TEST_F(FoundationTest, EveryServerAndServiceIsServingWithoutAToken) {
  for (const ServerSpec& spec : Specs()) {
    for (const std::string& name : {std::string(), spec.policy->service()}) {
      grpc::ClientContext context;
      HealthCheckRequest request;
      request.set_service(name);
      HealthCheckResponse response;
      grpc::Status status = Health::NewStub(Channel(spec.name))
                                ->Check(&context, request, &response);
      ASSERT_TRUE(status.ok()) << spec.name << " " << status.error_message();
      EXPECT_EQ(response.status(), HealthCheckResponse::SERVING)
          << spec.name << name;
    }
  }
}

TEST_F(FoundationTest, EveryRpcRefusesMissingExpiredAndForeignTokens) {
  const std::string expired = Token("admin", -absl::Hours(1));
  const std::string foreign = Token("admin", absl::Hours(1), other_signer_);
  for (const ServerSpec& spec : Specs()) {
    auto channel = Channel(spec.name);
    const std::vector<std::string> methods = Methods(*spec.policy);
    ASSERT_FALSE(methods.empty());
    for (const std::string& method : methods) {
      const std::string path =
          absl::StrCat("/", spec.policy->service(), "/", method);
      for (const std::string& token :
           {std::string(), expired, foreign, std::string("not.a.jwt")}) {
        grpc::Status status = Call(channel, path, token);
        EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
            << path << " token=" << token.substr(0, 12) << ": "
            << status.error_message();
      }
    }
  }
}

TEST_F(FoundationTest, RoleTablesAreEnforcedOnEveryRpc) {
  std::map<Role, std::string> tokens;
  for (Role role : kRoles) tokens[role] = Token(std::string(RoleName(role)));
  for (const ServerSpec& spec : Specs()) {
    auto channel = Channel(spec.name);
    for (const std::string& method : Methods(*spec.policy)) {
      const std::string path =
          absl::StrCat("/", spec.policy->service(), "/", method);
      for (Role role : kRoles) {
        grpc::Status status = Call(channel, path, tokens[role]);
        if (spec.policy->Allows(role, method)) {
          EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
              << path << " as " << RoleName(role);
          EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
              << path << " as " << RoleName(role);
        } else {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
              << path << " as " << RoleName(role) << ": "
              << status.error_message();
        }
      }
    }
  }
}

TEST_F(FoundationTest, SpotChecksOfTheRoleTables) {
  // The decisions the issues spell out, independent of the tables themselves.
  auto sessions = Channel("sessions");
  const std::string audit = "/kip.sessions.v1.SessionLogService/ListReadAudit";
  EXPECT_EQ(Call(sessions, audit, Token("researcher")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(sessions, audit, Token("clinician")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(Call(sessions, audit, Token("admin")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const std::string append = "/kip.sessions.v1.SessionLogService/AppendEvents";
  EXPECT_EQ(Call(sessions, append, Token("researcher")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(Call(sessions, append, Token("device")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(Channel("analytics"),
                 "/kip.analytics.v1.AnalyticsService/RunMetaAnalysis",
                 Token("device"))
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(FoundationTest, UnknownMethodsAreUnimplemented) {
  EXPECT_EQ(Call(Channel("dosing"), "/kip.dosing.v1.DosingService/DropTables",
                 Token("admin"))
                .error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(FoundationTest, LogsOneJsonLinePerCall) {
  Call(Channel("analytics"),
       "/kip.analytics.v1.AnalyticsService/RenderFunnelPlot", "");
  absl::SleepFor(absl::Milliseconds(100));
  const std::string log = servers_->at("analytics").ReadLog();
  EXPECT_NE(
      log.find(
          R"("method":"/kip.analytics.v1.AnalyticsService/RenderFunnelPlot")"),
      std::string::npos)
      << log;
  EXPECT_NE(log.find(R"("code":"UNAUTHENTICATED")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("peer":"ipv4:127.0.0.1:)"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("latency_ms":)"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("server":"analytics")"), std::string::npos) << log;
}

// Time for a process to exit once its server has stopped. Under
// ThreadSanitizer, signal to exit took 3.3 s in all against a 1.5 s drain and
// grace in a CI run on this 2-core machine.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr absl::Duration kProcessExitSlack = absl::Seconds(4);
#else
constexpr absl::Duration kProcessExitSlack = absl::Milliseconds(1500);
#endif

TEST_F(FoundationTest, SigtermTurnsHealthNotServingThenStopsWithinGrace) {
  for (const ServerSpec& spec : Specs()) {
    std::vector<std::string> args = BaseArgs();
    args.push_back("--drain_delay=0.5s");
    args.push_back("--shutdown_grace=1s");
    auto server = ServerProcess::Start(spec.binary, args,
                                       absl::StrCat(spec.name, "-sigterm"));
    ASSERT_TRUE(server.ok()) << server.status();
    auto channel = grpc::CreateChannel(server->address(),
                                       grpc::InsecureChannelCredentials());
    // A watcher sees SERVING, then NOT_SERVING as soon as the signal lands.
    grpc::ClientContext watch_context;
    HealthCheckRequest request;
    auto watch = Health::NewStub(channel)->Watch(&watch_context, request);
    HealthCheckResponse update;
    ASSERT_TRUE(watch->Read(&update));
    EXPECT_EQ(update.status(), HealthCheckResponse::SERVING);

    const absl::Time begin = absl::Now();
    std::future<std::optional<int>> exit_code = std::async(
        std::launch::async,
        [&] { return server->SignalAndWait(SIGTERM, absl::Seconds(10)); });
    ASSERT_TRUE(watch->Read(&update));
    EXPECT_EQ(update.status(), HealthCheckResponse::NOT_SERVING) << spec.name;
    std::optional<int> code = exit_code.get();
    ASSERT_TRUE(code.has_value()) << spec.name << " did not exit";
    EXPECT_EQ(*code, 0) << spec.name;
    EXPECT_LT(absl::Now() - begin,
              absl::Milliseconds(500 + 1000) + kProcessExitSlack)
        << spec.name;
    watch_context.TryCancel();
    while (watch->Read(&update)) {
    }
    EXPECT_NE(server->ReadLog().find("stopped"), std::string::npos);
  }
}

TEST_F(FoundationTest, TlsBinaryRefusesPlaintextAndMtlsRefusesCertlessClients) {
  testing::TestPki pki = testing::NewTestPki();
  std::vector<std::string> args = BaseArgs();
  args.push_back("--tls_cert=" +
                 testing::WriteTempFile("it-server.crt", pki.server.cert_pem));
  args.push_back("--tls_key=" +
                 testing::WriteTempFile("it-server.key", pki.server.key_pem));
  args.push_back("--client_ca=" +
                 testing::WriteTempFile("it-ca.crt", pki.ca.cert_pem));
  auto server =
      ServerProcess::Start("services/sessions/sessions_server", args, "mtls");
  ASSERT_TRUE(server.ok()) << server.status();
  grpc::ChannelArguments channel_args;
  channel_args.SetSslTargetNameOverride("localhost");
  auto health = [&](std::shared_ptr<grpc::ChannelCredentials> creds) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    HealthCheckResponse response;
    return Health::NewStub(grpc::CreateCustomChannel(server->address(), creds,
                                                     channel_args))
        ->Check(&context, HealthCheckRequest(), &response);
  };
  EXPECT_EQ(health(grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = pki.ca.cert_pem;
  EXPECT_FALSE(health(grpc::SslCredentials(tls)).ok());
  tls.pem_cert_chain = pki.client.cert_pem;
  tls.pem_private_key = pki.client.key_pem;
  EXPECT_TRUE(health(grpc::SslCredentials(tls)).ok());
}

TEST_F(FoundationTest, BadFlagsStopTheServerWithAMessage) {
  auto no_key =
      ServerProcess::Start("services/dosing/dosing_server", {}, "nokey");
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.status().message().find("--auth_public_key"),
            std::string::npos);
  auto bad_tls = ServerProcess::Start(
      "services/dosing/dosing_server",
      {absl::StrCat("--auth_public_key=", *public_key_path_),
       "--tls_cert=/nonexistent", "--tls_key=/nonexistent"},
      "badtls");
  ASSERT_FALSE(bad_tls.ok());
  EXPECT_NE(bad_tls.status().message().find("--tls_cert"), std::string::npos);
}

}  // namespace
}  // namespace kip
