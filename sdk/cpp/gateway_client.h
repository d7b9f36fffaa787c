// The GatewayService client of the KIP SDK: GatewayConnection (one virtual
// per RPC; gMock version in sdk/cpp/mocks) and GatewayClient, which forwards
// each call with its per-call options. For the people who review the pump
// gateway's quarantine (kipctl); pumps themselves speak HL7 over MLLP.
#ifndef KIP_SDK_CPP_GATEWAY_CLIENT_H_
#define KIP_SDK_CPP_GATEWAY_CLIENT_H_

#include <memory>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "kip/gateway/v1/gateway.pb.h"
#include "sdk/cpp/connection_options.h"

namespace kip {

class GatewayConnection {
 public:
  virtual ~GatewayConnection() = default;
  virtual void ResetConnectionBackoff() {}

  // Pump messages the gateway could not apply, oldest first.
  virtual absl::StatusOr<gateway::v1::ListQuarantineResponse> ListQuarantine(
      const gateway::v1::ListQuarantineRequest& request,
      const CallOptions& call) = 0;
  // Sends a programme to a session's pump only if dosing approves it.
  virtual absl::StatusOr<gateway::v1::SendOrderResponse> SendOrder(
      const gateway::v1::SendOrderRequest& request,
      const CallOptions& call) = 0;
};

std::shared_ptr<GatewayConnection> MakeGatewayConnection(
    ConnectionOptions options);

class GatewayClient {
 public:
  explicit GatewayClient(std::shared_ptr<GatewayConnection> connection)
      : connection_(std::move(connection)) {}

  absl::StatusOr<gateway::v1::ListQuarantineResponse> ListQuarantine(
      const gateway::v1::ListQuarantineRequest& request,
      const CallOptions& call = {}) {
    return connection_->ListQuarantine(request, call);
  }
  absl::StatusOr<gateway::v1::SendOrderResponse> SendOrder(
      const gateway::v1::SendOrderRequest& request,
      const CallOptions& call = {}) {
    return connection_->SendOrder(request, call);
  }

 private:
  std::shared_ptr<GatewayConnection> connection_;
};

}  // namespace kip

#endif  // KIP_SDK_CPP_GATEWAY_CLIENT_H_
