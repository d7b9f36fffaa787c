// The gateway's ports onto the sessions service, through the SDK with the
// gateway's own token (a device of its site): the session a pump was running
// at a time is its latest session started by then, within the lookback;
// events go in with AppendEvents (atomic, idempotent by event id).
#ifndef KIP_SERVICES_GATEWAY_SESSIONS_PORT_H_
#define KIP_SERVICES_GATEWAY_SESSIONS_PORT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "sdk/cpp/sessions_client.h"
#include "services/gateway/core/order_flow.h"
#include "services/gateway/core/ports.h"

namespace kip::gateway {

class SdkSessions final : public SessionDirectory,
                          public SessionWriter,
                          public SessionHeaders {
 public:
  SdkSessions(std::shared_ptr<SessionLogConnection> connection,
              std::string bearer_token, absl::Duration deadline,
              absl::Duration lookback,
              std::function<absl::Time()> clock = absl::Now);

  absl::StatusOr<std::optional<RunningSession>> SessionOf(
      const std::string& device_id, absl::Time at) override;
  absl::Status Append(
      const std::vector<kip::sessions::v1::Event>& events) override;
  absl::StatusOr<kip::sessions::v1::InfusionSession> Header(
      const std::string& session_id) override;

 private:
  CallOptions Call() const;

  std::shared_ptr<SessionLogConnection> connection_;
  std::string bearer_token_;
  absl::Duration deadline_;
  absl::Duration lookback_;
  std::function<absl::Time()> clock_;
};

}  // namespace kip::gateway

#endif  // KIP_SERVICES_GATEWAY_SESSIONS_PORT_H_
