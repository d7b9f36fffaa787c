// The dosing service's view of the sessions service: what a patient already
// received, asked through the SDK's SessionLogConnection with a deadline and
// the bedside caller's own token. Any failure is reported, so the caller
// fails closed.
#ifndef KIP_SERVICES_DOSING_SESSIONS_DOSE_CLIENT_H_
#define KIP_SERVICES_DOSING_SESSIONS_DOSE_CLIENT_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "sdk/cpp/sessions_client.h"
#include "services/dosing/core/program_check.h"

namespace kip::dosing {

class SessionsDoseClient {
 public:
  SessionsDoseClient(std::shared_ptr<SessionLogConnection> connection,
                     absl::Duration deadline);

  // A source that calls as `bearer_token` (the incoming call's token).
  std::unique_ptr<CumulativeDoseSource> ForCaller(
      std::string bearer_token) const;

 private:
  std::shared_ptr<SessionLogConnection> connection_;
  absl::Duration deadline_;
};

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_SESSIONS_DOSE_CLIENT_H_
