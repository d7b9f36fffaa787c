#include "services/sessions/site_scope.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace kip::sessions {

namespace {
// Bounds the remembered sessions; past it the map starts over.
constexpr size_t kMaxRememberedSessions = 200000;
}  // namespace

bool SiteScope::IsSiteBound(const Principal& caller) {
  return caller.role == Role::kDevice || caller.role == Role::kClinician ||
         caller.role == Role::kPharmacy;
}

absl::Status SiteScope::CheckSite(const Principal& caller,
                                  const std::string& site,
                                  const std::string& what) {
  if (!IsSiteBound(caller) || site == caller.site) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(what, " belongs to site '", site,
                   "'; the token is for site '", caller.site, "'"));
}

absl::Status SiteScope::CheckSession(const Principal& caller,
                                     const std::string& session_id) {
  if (!IsSiteBound(caller)) return absl::OkStatus();
  std::string site;
  {
    absl::MutexLock lock(&mu_);
    auto it = session_sites_.find(session_id);
    if (it != session_sites_.end()) site = it->second;
  }
  if (site.empty()) {
    KIP_ASSIGN_OR_RETURN(session, log_.GetSessionHeader(session_id));
    site = session.site_id();
    absl::MutexLock lock(&mu_);
    if (session_sites_.size() >= kMaxRememberedSessions) session_sites_.clear();
    session_sites_[session_id] = site;
  }
  return CheckSite(caller, site, absl::StrCat("session '", session_id, "'"));
}

absl::Status SiteScope::CheckPatient(const Principal& caller,
                                     const std::string& study_id,
                                     const std::string& patient_id) {
  if (!IsSiteBound(caller)) return absl::OkStatus();
  KIP_ASSIGN_OR_RETURN(patient, log_.GetPatient(study_id, patient_id));
  return CheckSite(caller, patient.site_id(),
                   absl::StrCat("patient '", patient_id, "'"));
}

}  // namespace kip::sessions
