// SessionLogService's safety RPCs (issue #16): serious adverse events with
// their reporting clocks, computed from the study's logged events on the
// server's time source.
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/time_util.h"
#include "services/sessions/log/researcher_view.h"
#include "services/sessions/safety/safety_reports.h"
#include "services/sessions/sessions_service.h"

namespace kip::sessions {

namespace v1 = kip::sessions::v1;

grpc::ServerUnaryReactor* SessionLogServiceImpl::ListSafetyReports(
    grpc::CallbackServerContext* context,
    const v1::ListSafetyReportsRequest* request,
    v1::ListSafetyReportsResponse* response) {
  return guard_.Unary(
      context, "ListSafetyReports", [&](const Principal& caller) {
        if (request->study_id().empty())
          return absl::InvalidArgumentError("study_id: is required");
        KIP_RETURN_IF_ERROR(log_.GetStudy(request->study_id()).status());
        KIP_ASSIGN_OR_RETURN(records,
                             StudyRecords(log_, request->study_id(),
                                          WithholdsFreeText(caller.role)));
        std::vector<safety::LoggedSession> sessions;
        for (PatientRecord& record : records) {
          // A clinician sees the reports of their own site.
          if (SiteScope::IsSiteBound(caller) &&
              record.patient.site_id() != caller.site)
            continue;
          for (v1::GetSessionResponse& s : record.sessions) {
            sessions.push_back({request->study_id(),
                                record.patient.patient_id(), std::move(s)});
          }
        }
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

}  // namespace kip::sessions
