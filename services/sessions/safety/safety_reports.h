// Serious adverse events as reports with their regulatory clocks (issue #16).
// A side effect with seriousness criteria (ICH E2A II.B) opens a report; side
// effects naming it in `follow_up_of_event_id` are its later versions;
// SafetyReportSubmitted events stop its clocks. The clocks and their rules
// live here, once. No gRPC, no storage: the caller passes the logged events
// and the time the clocks run to.
//
// Rules (need sign-off by the sponsor's pharmacovigilance lead):
// - initial report, investigator to sponsor: 24 h from awareness (ICH E6(R2)
//   4.11.1 says "immediately"; 24 h is the usual protocol wording and the
//   window this issue names);
// - suspected unexpected serious adverse reaction (serious, causality POSSIBLE
//   or above, UNEXPECTED): 7 days if fatal or life-threatening, 15 days
//   otherwise (ICH E2A III.A.1 and III.A.2), from awareness of the version
//   that first made it one.
// KIP counts the windows in hours (24, 168, 360) from the awareness time,
// never later than a calendar-day count would.
#ifndef KIP_SERVICES_SESSIONS_SAFETY_SAFETY_REPORTS_H_
#define KIP_SERVICES_SESSIONS_SAFETY_SAFETY_REPORTS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "kip/sessions/v1/sessions.pb.h"

namespace kip::safety {

namespace v1 = kip::sessions::v1;

inline constexpr absl::Duration kInitialReportWindow = absl::Hours(24);
inline constexpr absl::Duration kFatalSusarWindow = absl::Hours(7 * 24);
inline constexpr absl::Duration kOtherSusarWindow = absl::Hours(15 * 24);

// One session's events as logged (corrections not yet applied).
struct LoggedSession {
  std::string study_id;
  std::string patient_id;
  v1::GetSessionResponse session;
};

bool IsSerious(const v1::SideEffect& side_effect);
// Causality POSSIBLE, PROBABLE or DEFINITE.
bool IsSuspected(const v1::SideEffect& side_effect);

// Every serious adverse event's report, its clocks run to `now`, in
// awareness order.
std::vector<v1::SafetyReport> SafetyReports(
    const std::vector<LoggedSession>& sessions, absl::Time now);

}  // namespace kip::safety

#endif  // KIP_SERVICES_SESSIONS_SAFETY_SAFETY_REPORTS_H_
