// The analytics core's port to logged trials: a study's patients with their
// sessions and events, read as the calling researcher (their token). The
// sessions service is one implementation (services/analytics/sessions_reader);
// tests give a fake, so the logged-study logic needs no server.
#ifndef KIP_SERVICES_ANALYTICS_CORE_LOGGED_STUDY_SOURCE_H_
#define KIP_SERVICES_ANALYTICS_CORE_LOGGED_STUDY_SOURCE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/analytics/outcomes/study_outcomes.h"

namespace kip::analytics {

class LoggedStudySource {
 public:
  virtual ~LoggedStudySource() = default;
  virtual absl::StatusOr<std::vector<outcomes::LoggedPatient>> ReadStudy(
      const std::string& study_id, const std::string& bearer_token) const = 0;
};

}  // namespace kip::analytics

#endif  // KIP_SERVICES_ANALYTICS_CORE_LOGGED_STUDY_SOURCE_H_
