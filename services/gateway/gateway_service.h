// kip.gateway.v1.GatewayService adapter: the quarantine, listed for the
// clinicians and admins who review it (researchers never: the messages hold
// the hospital's patient identifiers), and verified orders to pumps, sent
// for clinicians. Access policy, paging, proto mapping.
#ifndef KIP_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
#define KIP_SERVICES_GATEWAY_GATEWAY_SERVICE_H_

#include "kip/gateway/v1/gateway.grpc.pb.h"
#include "services/common/access_policy.h"
#include "services/common/authenticator.h"
#include "services/common/rpc_guard.h"
#include "services/gateway/core/order_flow.h"
#include "services/gateway/store/sqlite_quarantine.h"

namespace kip::gateway {

const AccessPolicy& GatewayAccessPolicy();

class GatewayServiceImpl final
    : public kip::gateway::v1::GatewayService::CallbackService {
 public:
  // `orders` may have null ports: SendOrder is then UNAVAILABLE.
  GatewayServiceImpl(const Authenticator& authenticator,
                     SqliteQuarantine* quarantine, OrderPorts orders)
      : guard_(authenticator, GatewayAccessPolicy()),
        quarantine_(quarantine),
        orders_(std::move(orders)) {}

  grpc::ServerUnaryReactor* ListQuarantine(
      grpc::CallbackServerContext* context,
      const kip::gateway::v1::ListQuarantineRequest* request,
      kip::gateway::v1::ListQuarantineResponse* response) override;
  grpc::ServerUnaryReactor* SendOrder(
      grpc::CallbackServerContext* context,
      const kip::gateway::v1::SendOrderRequest* request,
      kip::gateway::v1::SendOrderResponse* response) override;

 private:
  RpcGuard guard_;
  SqliteQuarantine* quarantine_;
  OrderPorts orders_;
};

}  // namespace kip::gateway

#endif  // KIP_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
