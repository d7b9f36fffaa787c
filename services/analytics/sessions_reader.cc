#include "services/analytics/sessions_reader.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "services/common/status_mapping.h"

namespace kip::analytics {

namespace sv1 = kip::sessions::v1;

SessionsReader::SessionsReader(std::shared_ptr<grpc::ChannelInterface> channel,
                               absl::Duration deadline)
    : stub_(sv1::SessionLogService::NewStub(channel)), deadline_(deadline) {}

absl::StatusOr<std::vector<outcomes::LoggedPatient>> SessionsReader::ReadStudy(
    const std::string& study_id, const std::string& bearer_token) const {
  auto context = [&] {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
    if (!bearer_token.empty())
      c->AddMetadata("authorization", "Bearer " + bearer_token);
    return c;
  };
  auto failed = [&](const grpc::Status& status, const std::string& what) {
    const absl::Status s = FromGrpcStatus(status);
    return absl::Status(
        s.code(), absl::StrCat("sessions service, ", what, ": ", s.message()));
  };
  std::map<std::string, outcomes::LoggedPatient> patients;
  sv1::ListSessionsRequest list;
  list.set_study_id(study_id);
  list.set_page_size(1000);
  while (true) {
    sv1::ListSessionsResponse page;
    grpc::Status status = stub_->ListSessions(context().get(), list, &page);
    if (!status.ok()) return failed(status, "ListSessions");
    for (const sv1::InfusionSession& session : page.sessions()) {
      outcomes::LoggedPatient& p = patients[session.patient_id()];
      if (p.patient.patient_id().empty()) {
        sv1::GetPatientRequest get;
        get.set_study_id(study_id);
        get.set_patient_id(session.patient_id());
        sv1::GetPatientResponse patient;
        status = stub_->GetPatient(context().get(), get, &patient);
        if (!status.ok()) return failed(status, "GetPatient");
        p.patient = patient.patient();
      }
      sv1::GetSessionRequest get;
      get.set_session_id(session.session_id());
      sv1::GetSessionResponse full;
      status = stub_->GetSession(context().get(), get, &full);
      if (!status.ok()) return failed(status, "GetSession");
      p.sessions.push_back(std::move(full));
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
