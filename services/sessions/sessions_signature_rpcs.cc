// SessionLogService's electronic signatures (issue #16): an investigator
// signs one session or a patient's casebook (every session), after a recent
// sign-in; each signed session gets a signature event over its records.
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/uuid.h"
#include "services/sessions/log/signatures.h"
#include "services/sessions/sessions_service.h"

namespace kip::sessions {

namespace v1 = kip::sessions::v1;

grpc::ServerUnaryReactor* SessionLogServiceImpl::SignRecords(
    grpc::CallbackServerContext* context, const v1::SignRecordsRequest* request,
    v1::SignRecordsResponse* response) {
  return guard_.Unary(context, "SignRecords", [&](const Principal& caller) {
    const absl::Time now = now_();
    KIP_RETURN_IF_ERROR(CheckSigner(caller, *request, now));
    KIP_RETURN_IF_ERROR(scope_.CheckPatient(caller, request->study_id(),
                                            request->patient_id()));
    std::vector<std::string> session_ids;
    if (!request->session_id().empty()) {
      KIP_ASSIGN_OR_RETURN(session,
                           log_.GetSessionHeader(request->session_id()));
      if (session.study_id() != request->study_id() ||
          session.patient_id() != request->patient_id()) {
        return absl::InvalidArgumentError(
            absl::StrCat("session_id: session '", request->session_id(),
                         "' is not patient '", request->patient_id(), "''s"));
      }
      session_ids.push_back(session.session_id());
    } else {
      v1::ListSessionsRequest list;
      list.set_study_id(request->study_id());
      list.set_patient_id(request->patient_id());
      list.set_page_size(1000);
      KIP_ASSIGN_OR_RETURN(page, log_.ListSessions(list));
      for (const v1::InfusionSession& s : page.sessions())
        session_ids.push_back(s.session_id());
    }
    if (session_ids.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "patient '", request->patient_id(), "' has no sessions to sign"));
    }
    const std::string signature_id = RandomUuid();
    std::vector<v1::Event> events;
    for (const std::string& session_id : session_ids) {
      KIP_ASSIGN_OR_RETURN(rows, log_.store().SessionEvents(session_id, 0));
      KIP_ASSIGN_OR_RETURN(event, SignatureEvent(caller, *request, session_id,
                                                 signature_id, rows, now));
      event.set_event_id(RandomUuid());
      events.push_back(std::move(event));
    }
    std::vector<v1::Event> written = events;
    KIP_ASSIGN_OR_RETURN(acks, log_.Append(std::move(events), caller.subject,
                                           absl::InfiniteFuture(), true));
    for (size_t i = 0; i < written.size(); ++i) {
      v1::Event& e = written[i];
      e.set_recorded_by(caller.subject);
      e.set_session_sequence(acks[i].session_sequence());
      e.set_global_index(acks[i].global_index());
      e.set_hash_hex(acks[i].hash_hex());
      *e.mutable_server_time() = acks[i].server_time();
      *response->add_signature_events() = std::move(e);
    }
    return absl::OkStatus();
  });
}

}  // namespace kip::sessions
