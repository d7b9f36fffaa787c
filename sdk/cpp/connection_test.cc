// ConnectionOptions against an in-process server: the retry policy (the
// first attempt of a call answers UNAVAILABLE: idempotent methods are
// retried by gRPC's service-config retryPolicy, others are not), the token
// provider asked before every call, and the default deadline.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "sdk/cpp/clients.h"

namespace kip {
namespace {

namespace dv1 = kip::dosing::v1;

class FlakyDosing final : public dv1::DosingService::Service {
 public:
  grpc::Status ListProtocols(grpc::ServerContext*,
                             const dv1::ListProtocolsRequest*,
                             dv1::ListProtocolsResponse* response) override {
    if (list_calls_++ == 0)
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "blip");
    response->mutable_library()->set_version("v");
    return grpc::Status::OK;
  }
  grpc::Status GetProtocol(grpc::ServerContext*, const dv1::GetProtocolRequest*,
                           dv1::GetProtocolResponse*) override {
    if (get_calls_++ == 0)
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "blip");
    return grpc::Status::OK;
  }
  grpc::Status ValidateProgram(grpc::ServerContext* context,
                               const dv1::ValidateProgramRequest*,
                               dv1::ValidateProgramResponse*) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = context->client_metadata().find("authorization");
    authorizations_.push_back(
        it == context->client_metadata().end()
            ? "(none)"
            : std::string(it->second.data(), it->second.size()));
    return grpc::Status::OK;
  }
  grpc::Status PlanCourse(grpc::ServerContext*, const dv1::PlanCourseRequest*,
                          dv1::PlanCourseResponse*) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    return grpc::Status::OK;
  }
  std::atomic<int> list_calls_{0}, get_calls_{0};
  std::mutex mu_;
  std::vector<std::string> authorizations_;
};

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_GT(port_, 0);
  }
  void TearDown() override { server_->Shutdown(); }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

  FlakyDosing service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(ConnectionTest, IdempotentCallsAreRetriedOthersAreNot) {
  ConnectionOptions options;
  options.target = target();
  // ListProtocols idempotent; GetProtocol treated as not, for this test.
  auto connection =
      MakeDosingConnection(options, std::set<std::string>{"ListProtocols"});
  ASSERT_TRUE(connection.ok()) << connection.status();
  DosingClient client(*connection);
  auto listed = client.ListProtocols({});
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->library().version(), "v");
  EXPECT_EQ(service_.list_calls_, 2);

  auto got = client.GetProtocol({});
  EXPECT_EQ(got.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(service_.get_calls_, 1);
}

TEST_F(ConnectionTest, TheTokenProviderIsAskedBeforeEveryCall) {
  ConnectionOptions options;
  options.target = target();
  options.bearer_token = "fixed";  // the provider wins
  int asked = 0;
  options.token_provider = [&asked]() -> absl::StatusOr<std::string> {
    if (++asked == 3) return absl::UnauthenticatedError("refresh failed");
    return "token-" + std::to_string(asked);
  };
  DosingClient client(MakeDosingConnection(options));
  ASSERT_TRUE(client.ValidateProgram({}).ok());
  ASSERT_TRUE(client.ValidateProgram({}).ok());
  // A provider that fails stops the call before it leaves the process.
  auto refused = client.ValidateProgram({});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(refused.status().message(), "refresh failed");
  std::lock_guard<std::mutex> lock(service_.mu_);
  EXPECT_EQ(service_.authorizations_,
            (std::vector<std::string>{"Bearer token-1", "Bearer token-2"}));
}

TEST_F(ConnectionTest, CallsWithoutADeadlineGetTheDefaultOne) {
  ConnectionOptions options;
  options.target = target();
  options.default_deadline = absl::Milliseconds(100);
  DosingClient client(MakeDosingConnection(options));
  const absl::Time start = absl::Now();
  auto planned = client.PlanCourse({});
  EXPECT_EQ(planned.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(450));
}

TEST_F(ConnectionTest, ByDefaultEveryUnaryMethodIsRetried) {
  ConnectionOptions options;
  options.target = target();
  DosingClient client(MakeDosingConnection(options));
  ASSERT_TRUE(client.GetProtocol({}).ok());
  EXPECT_EQ(service_.get_calls_, 2);
}

TEST_F(ConnectionTest, ARetriedMethodTheServiceLacksIsRefused) {
  ConnectionOptions options;
  options.target = target();
  auto connection =
      MakeDosingConnection(options, std::set<std::string>{"PlanCourses"});
  EXPECT_EQ(connection.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(connection.status().message().find("PlanCourses"),
            absl::string_view::npos);
}

TEST_F(ConnectionTest, CallOptionsOverrideTheConnectionsForOneCall) {
  ConnectionOptions options;
  options.target = target();
  options.bearer_token = "connection-token";
  DosingClient client(MakeDosingConnection(options));
  CallOptions call;
  call.bearer_token = "call-token";
  ASSERT_TRUE(client.ValidateProgram({}, call).ok());
  ASSERT_TRUE(client.ValidateProgram({}).ok());
  {
    std::lock_guard<std::mutex> lock(service_.mu_);
    EXPECT_EQ(service_.authorizations_,
              (std::vector<std::string>{"Bearer call-token",
                                        "Bearer connection-token"}));
  }
  // A call's own timeout, shorter than the connection's 10 s default.
  CallOptions quick;
  quick.timeout = absl::Milliseconds(100);
  const absl::Time start = absl::Now();
  EXPECT_EQ(client.PlanCourse({}, quick).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(450));
}

}  // namespace
}  // namespace kip
