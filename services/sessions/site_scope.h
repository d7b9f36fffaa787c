// Keeps bedside callers to their own site: a device's or clinician's token
// names a `site`, and every patient or session it reads or writes must be of
// that site (PERMISSION_DENIED otherwise). Researchers read pseudonymous,
// multi-site studies and admins run the service: they see every site.
#ifndef KIP_SERVICES_SESSIONS_SITE_SCOPE_H_
#define KIP_SERVICES_SESSIONS_SITE_SCOPE_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "services/common/principal.h"
#include "services/sessions/log/event_log.h"

namespace kip::sessions {

class SiteScope {
 public:
  explicit SiteScope(EventLog& log) : log_(log) {}

  static bool IsSiteBound(const Principal& caller);

  // `what` names the thing for the error ("patient 'P1'").
  static absl::Status CheckSite(const Principal& caller,
                                const std::string& site,
                                const std::string& what);
  absl::Status CheckSession(const Principal& caller,
                            const std::string& session_id);
  absl::Status CheckPatient(const Principal& caller,
                            const std::string& study_id,
                            const std::string& patient_id);

 private:
  EventLog& log_;
  // A session's site never changes: remembered so that appends pay for the
  // lookup once per session, not per batch.
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::string> session_sites_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_SITE_SCOPE_H_
