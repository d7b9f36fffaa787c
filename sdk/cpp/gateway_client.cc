#include "sdk/cpp/gateway_client.h"

#include "kip/gateway/v1/gateway.grpc.pb.h"
#include "sdk/cpp/call.h"
#include "sdk/cpp/retry_policy.h"

namespace kip {
namespace {

class GrpcGatewayConnection final : public GatewayConnection {
 public:
  explicit GrpcGatewayConnection(ConnectionOptions options)
      : options_(std::move(options)),
        channel_(MakeChannel(
            options_, gateway::v1::GatewayService::service_full_name(),
            RetriedMethods(gateway::v1::GatewayService::service_full_name()))),
        stub_(gateway::v1::GatewayService::NewStub(channel_)) {}
  void ResetConnectionBackoff() override {
    grpc::experimental::ChannelResetConnectionBackoff(channel_.get());
  }

  absl::StatusOr<gateway::v1::ListQuarantineResponse> ListQuarantine(
      const gateway::v1::ListQuarantineRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::ListQuarantine, request);
  }
  absl::StatusOr<gateway::v1::SendOrderResponse> SendOrder(
      const gateway::v1::SendOrderRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::SendOrder, request);
  }

 private:
  using Stub = gateway::v1::GatewayService::Stub;
  ConnectionOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace

std::shared_ptr<GatewayConnection> MakeGatewayConnection(
    ConnectionOptions options) {
  return std::make_shared<GrpcGatewayConnection>(std::move(options));
}

}  // namespace kip
