// The gateway's port onto dosing: ValidateProgram through the SDK, with the
// token of the clinician who asked for the order (dosing checks their role
// and logs any alert in the session as theirs).
#ifndef KIP_SERVICES_GATEWAY_DOSING_PORT_H_
#define KIP_SERVICES_GATEWAY_DOSING_PORT_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "sdk/cpp/dosing_client.h"
#include "services/gateway/core/order_flow.h"

namespace kip::gateway {

class SdkDosing final : public ProgramChecker {
 public:
  SdkDosing(std::shared_ptr<DosingConnection> connection,
            absl::Duration deadline)
      : connection_(std::move(connection)), deadline_(deadline) {}

  absl::StatusOr<kip::dosing::v1::ValidateProgramResponse> Validate(
      const kip::dosing::v1::ValidateProgramRequest& request,
      const std::string& caller_token) override {
    CallOptions call;
    call.timeout = deadline_;
    call.bearer_token = caller_token;
    return connection_->ValidateProgram(request, call);
  }

 private:
  std::shared_ptr<DosingConnection> connection_;
  absl::Duration deadline_;
};

}  // namespace kip::gateway

#endif  // KIP_SERVICES_GATEWAY_DOSING_PORT_H_
