// The LoggedStudySource of a running system: reads a study logged in the
// sessions service through the SDK's
// SessionLogConnection, as the calling researcher (their token), with a
// deadline per call: its sessions (paged), each patient's record, and every
// session with its events.
#ifndef KIP_SERVICES_ANALYTICS_SESSIONS_READER_H_
#define KIP_SERVICES_ANALYTICS_SESSIONS_READER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sdk/cpp/sessions_client.h"
#include "services/analytics/core/logged_study_source.h"
#include "services/analytics/outcomes/study_outcomes.h"

namespace kip::analytics {

class SessionsReader final : public LoggedStudySource {
 public:
  SessionsReader(std::shared_ptr<SessionLogConnection> connection,
                 absl::Duration deadline);

  absl::StatusOr<std::vector<outcomes::LoggedPatient>> ReadStudy(
      const std::string& study_id,
      const std::string& bearer_token) const override;

 private:
  std::shared_ptr<SessionLogConnection> connection_;
  absl::Duration deadline_;
};

}  // namespace kip::analytics

#endif  // KIP_SERVICES_ANALYTICS_SESSIONS_READER_H_
