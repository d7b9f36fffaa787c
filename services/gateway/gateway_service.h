// kip.gateway.v1.GatewayService adapter: the quarantine, listed for the
// clinicians and admins who review it (researchers never: the messages hold
// the hospital's patient identifiers). Access policy, paging, proto mapping.
#ifndef KIP_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
#define KIP_SERVICES_GATEWAY_GATEWAY_SERVICE_H_

#include "kip/gateway/v1/gateway.grpc.pb.h"
#include "services/common/access_policy.h"
#include "services/common/authenticator.h"
#include "services/common/rpc_guard.h"
#include "services/gateway/store/sqlite_quarantine.h"

namespace kip::gateway {

const AccessPolicy& GatewayAccessPolicy();

class GatewayServiceImpl final
    : public kip::gateway::v1::GatewayService::CallbackService {
 public:
  GatewayServiceImpl(const Authenticator& authenticator,
                     SqliteQuarantine* quarantine)
      : guard_(authenticator, GatewayAccessPolicy()), quarantine_(quarantine) {}

  grpc::ServerUnaryReactor* ListQuarantine(
      grpc::CallbackServerContext* context,
      const kip::gateway::v1::ListQuarantineRequest* request,
      kip::gateway::v1::ListQuarantineResponse* response) override;

 private:
  RpcGuard guard_;
  SqliteQuarantine* quarantine_;
};

}  // namespace kip::gateway

#endif  // KIP_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
