// The gateway's ports onto the sessions service, through the SDK with the
// gateway's own token (a device of its site): the session a pump was running
// at a time is its latest session started by then, within the lookback;
// events go in with AppendEvents (atomic, idempotent by event id). Each
// pump's session state is kept once read, and later messages read only the
// sessions started since and the events appended since (all of it again
// after a correction).
#ifndef KIP_SERVICES_GATEWAY_SESSIONS_PORT_H_
#define KIP_SERVICES_GATEWAY_SESSIONS_PORT_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
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
  // The latest session of `device_id` started in [from, started_by].
  absl::StatusOr<std::optional<kip::sessions::v1::InfusionSession>> Latest(
      const std::string& device_id, absl::Time from, absl::Time started_by);
  absl::StatusOr<kip::sessions::v1::GetSessionResponse> Read(
      const std::string& session_id, int64_t after_sequence);

  // A pump's session as last read: its header, its state and the last
  // event folded into it.
  struct KnownSession {
    kip::sessions::v1::InfusionSession header;
    RunningSession state;
    int64_t last_sequence = 0;
  };
  struct Pump {
    absl::Mutex mu;
    std::optional<KnownSession> known ABSL_GUARDED_BY(mu);
  };
  std::shared_ptr<Pump> PumpOf(const std::string& device_id);

  // A site has hundreds of pumps at most; past this the memory starts over.
  static constexpr size_t kMaxKnownPumps = 4096;

  std::shared_ptr<SessionLogConnection> connection_;
  std::string bearer_token_;
  absl::Duration deadline_;
  absl::Duration lookback_;
  std::function<absl::Time()> clock_;
  absl::Mutex mu_;
  // Each pump's session as last read, by device id.
  std::map<std::string, std::shared_ptr<Pump>> pumps_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kip::gateway

#endif  // KIP_SERVICES_GATEWAY_SESSIONS_PORT_H_
