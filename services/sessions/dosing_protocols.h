// The sessions service's view of the dosing service (issue #16): protocols
// by id, asked through the SDK's DosingConnection with a deadline and the
// caller's own token, for finding protocol deviations. Any failure is
// reported: deviations are not listed against a guessed protocol.
#ifndef KIP_SERVICES_SESSIONS_DOSING_PROTOCOLS_H_
#define KIP_SERVICES_SESSIONS_DOSING_PROTOCOLS_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "sdk/cpp/dosing_client.h"
#include "services/sessions/safety/deviations.h"

namespace kip::sessions {

class DosingProtocols {
 public:
  DosingProtocols(std::shared_ptr<DosingConnection> connection,
                  absl::Duration deadline)
      : connection_(std::move(connection)), deadline_(deadline) {}

  // A source that calls as `bearer_token` (the incoming call's token).
  std::unique_ptr<safety::ProtocolSource> ForCaller(
      std::string bearer_token) const;

 private:
  std::shared_ptr<DosingConnection> connection_;
  absl::Duration deadline_;
};

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_DOSING_PROTOCOLS_H_
