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

  // Records a check whose verdict was not OK as a drug-library alert event
  // in the request's running session, as `bearer_token` (issue #16). Dosing
  // writes it, not the app: it answers every check of a running session and
  // already calls sessions for it, so no app can leave an alert out.
  absl::Status RecordAlert(const std::string& bearer_token,
                           const v1::ValidateProgramRequest& request,
                           const v1::ValidateProgramResponse& verdict) const;

 private:
  std::shared_ptr<SessionLogConnection> connection_;
  absl::Duration deadline_;
};

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_SESSIONS_DOSE_CLIENT_H_
