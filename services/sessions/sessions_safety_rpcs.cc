// SessionLogService's safety RPCs (issue #16): serious adverse events with
// their reporting clocks, computed from the study's logged events on the
// server's time source.
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/time_util.h"
#include "services/sessions/log/researcher_view.h"
#include "services/sessions/safety/deviations.h"
#include "services/sessions/safety/safety_reports.h"
#include "services/sessions/sessions_service.h"

namespace kip::sessions {

namespace v1 = kip::sessions::v1;

absl::StatusOr<std::vector<safety::LoggedSession>>
SessionLogServiceImpl::StudySessions(const Principal& caller,
                                     const std::string& study_id) {
  if (study_id.empty())
    return absl::InvalidArgumentError("study_id: is required");
  KIP_RETURN_IF_ERROR(log_.GetStudy(study_id).status());
  KIP_ASSIGN_OR_RETURN(
      records, StudyRecords(log_, study_id, WithholdsFreeText(caller.role)));
  std::vector<safety::LoggedSession> sessions;
  for (PatientRecord& record : records) {
    // A clinician sees their own site's.
    if (SiteScope::IsSiteBound(caller) &&
        record.patient.site_id() != caller.site)
      continue;
    for (v1::GetSessionResponse& s : record.sessions)
      sessions.push_back({study_id, record.patient.patient_id(), std::move(s)});
  }
  return sessions;
}

absl::StatusOr<std::vector<v1::Deviation>> SessionLogServiceImpl::Deviations(
    const std::vector<safety::LoggedSession>& sessions,
    const std::string& token) {
  if (protocols_ == nullptr) {
    return absl::FailedPreconditionError(
        "deviations need the dosing service's protocols: this sessions "
        "server runs without --dosing_address");
  }
  std::unique_ptr<safety::ProtocolSource> source = protocols_->ForCaller(token);
  KIP_ASSIGN_OR_RETURN(protocols, safety::ProtocolsOf(sessions, *source));
  return safety::FindDeviations(sessions, protocols,
                                safety::DeviationRuleTable(), now_());
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::ListSafetyReports(
    grpc::CallbackServerContext* context,
    const v1::ListSafetyReportsRequest* request,
    v1::ListSafetyReportsResponse* response) {
  return guard_.Unary(
      context, "ListSafetyReports", [&](const Principal& caller) {
        KIP_ASSIGN_OR_RETURN(sessions,
                             StudySessions(caller, request->study_id()));
        const absl::Time now = now_();
        for (v1::SafetyReport& report : safety::SafetyReports(sessions, now)) {
          if (request->overdue_only() && !report.overdue()) continue;
          *response->add_reports() = std::move(report);
        }
        *response->mutable_as_of() = ProtoFromTime(now);
        return Audit(caller, "ListSafetyReports",
                     absl::StrCat("safety/", request->study_id()));
      });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::ListDeviations(
    grpc::CallbackServerContext* context,
    const v1::ListDeviationsRequest* request,
    v1::ListDeviationsResponse* response) {
  return guard_.Unary(context, "ListDeviations", [&](const Principal& caller) {
    KIP_ASSIGN_OR_RETURN(sessions, StudySessions(caller, request->study_id()));
    KIP_ASSIGN_OR_RETURN(found,
                         Deviations(sessions, CallerBearerToken(context)));
    for (v1::Deviation& d : found) *response->add_deviations() = std::move(d);
    *response->mutable_rules() = safety::DeviationRuleTable().rules();
    return Audit(caller, "ListDeviations",
                 absl::StrCat("deviations/", request->study_id()));
  });
}

}  // namespace kip::sessions
