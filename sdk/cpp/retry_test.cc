// The SDK's retry policy against an in-process server that answers the first
// attempt of every call with UNAVAILABLE: idempotent methods are retried by
// gRPC (service-config retryPolicy) and succeed; others are not retried.
#include <grpcpp/grpcpp.h>

#include <atomic>

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
  std::atomic<int> list_calls_{0}, get_calls_{0};
};

TEST(RetryTest, IdempotentCallsAreRetriedOthersAreNot) {
  FlakyDosing service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_GT(port, 0);

  ConnectionOptions options;
  options.target = "127.0.0.1:" + std::to_string(port);
  // ListProtocols idempotent; GetProtocol treated as not, for this test.
  DosingClient client(MakeDosingConnection(options, {"ListProtocols"}));
  auto listed = client.ListProtocols({});
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->library().version(), "v");
  EXPECT_EQ(service.list_calls_, 2);

  auto got = client.GetProtocol({});
  EXPECT_EQ(got.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(service.get_calls_, 1);
  server->Shutdown();
}

}  // namespace
}  // namespace kip
