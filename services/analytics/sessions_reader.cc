#include "services/analytics/sessions_reader.h"

#include <map>

#include "absl/strings/str_cat.h"

namespace kip::analytics {

namespace sv1 = kip::sessions::v1;

SessionsReader::SessionsReader(std::shared_ptr<SessionLogConnection> connection,
                               absl::Duration deadline)
    : connection_(std::move(connection)), deadline_(deadline) {}

absl::StatusOr<std::vector<outcomes::LoggedPatient>> SessionsReader::ReadStudy(
    const std::string& study_id, const std::string& bearer_token) const {
  CallOptions call;
  call.timeout = deadline_;
  call.bearer_token = bearer_token;
  auto failed = [&](const absl::Status& s, const std::string& what) {
    return absl::Status(
        s.code(), absl::StrCat("sessions service, ", what, ": ", s.message()));
  };
  std::map<std::string, outcomes::LoggedPatient> patients;
  sv1::ListSessionsRequest list;
  list.set_study_id(study_id);
  list.set_page_size(1000);
  while (true) {
    absl::StatusOr<sv1::ListSessionsResponse> listed =
        connection_->ListSessions(list, call);
    if (!listed.ok()) return failed(listed.status(), "ListSessions");
    const sv1::ListSessionsResponse& page = *listed;
    for (const sv1::InfusionSession& session : page.sessions()) {
      outcomes::LoggedPatient& p = patients[session.patient_id()];
      if (p.patient.patient_id().empty()) {
        sv1::GetPatientRequest get;
        get.set_study_id(study_id);
        get.set_patient_id(session.patient_id());
        absl::StatusOr<sv1::GetPatientResponse> patient =
            connection_->GetPatient(get, call);
        if (!patient.ok()) return failed(patient.status(), "GetPatient");
        p.patient = patient->patient();
      }
      sv1::GetSessionRequest get;
      get.set_session_id(session.session_id());
      absl::StatusOr<sv1::GetSessionResponse> full =
          connection_->GetSession(get, call);
      if (!full.ok()) return failed(full.status(), "GetSession");
      p.sessions.push_back(*std::move(full));
    }
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  if (patients.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "study_id: the sessions service has no sessions for study '", study_id,
        "'"));
  }
  std::vector<outcomes::LoggedPatient> out;
  for (auto& [id, p] : patients) out.push_back(std::move(p));
  return out;
}

}  // namespace kip::analytics
