#include "services/sessions/sessions_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/common/threaded_write_reactor.h"
#include "services/sessions/access_policy.h"
#include "services/sessions/log/researcher_view.h"
#include "services/sessions/log/study_export.h"
#include "services/sessions/store/row_codec.h"
#include "services/sessions/trial/arm_visibility.h"

namespace kip::sessions {

namespace v1 = kip::sessions::v1;

namespace {

// Streams fetch this many events per store query.
constexpr int kStreamPageSize = 500;
// A following stream re-checks for cancellation at least this often.
constexpr absl::Duration kFollowPoll = absl::Milliseconds(500);
// CSV chunks stay well below the default 4 MiB message limit.
constexpr size_t kExportChunkBytes = 256 * 1024;

kip::common::v1::Role ProtoRole(Role role) {
  switch (role) {
    case Role::kDevice:
      return kip::common::v1::DEVICE;
    case Role::kClinician:
      return kip::common::v1::CLINICIAN;
    case Role::kResearcher:
      return kip::common::v1::RESEARCHER;
    case Role::kAdmin:
      return kip::common::v1::ADMIN;
    case Role::kStatistician:
      return kip::common::v1::STATISTICIAN;
    case Role::kPharmacy:
      return kip::common::v1::PHARMACY;
  }
  return kip::common::v1::ROLE_UNSPECIFIED;
}

// The client's deadline as absl::Time; a call without one never expires.
absl::Time CallDeadline(const grpc::CallbackServerContext& context) {
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(deadline);
}

}  // namespace

SessionLogServiceImpl::SessionLogServiceImpl(const Authenticator& authenticator,
                                             EventLog& log,
                                             trial::TrialLog& trial,
                                             const DosingProtocols* protocols,
                                             std::function<absl::Time()> now)
    : guard_(authenticator, SessionsAccessPolicy()),
      log_(log),
      trial_(trial),
      scope_(log),
      protocols_(protocols),
      now_(std::move(now)) {}

absl::StatusOr<v1::Study> SessionLogServiceImpl::Shown(const Principal& caller,
                                                       v1::Study study) {
  KIP_ASSIGN_OR_RETURN(view, trial_.ViewOf(std::move(study)));
  trial::ShowStudy(caller.role, view.study);
  return std::move(view.study);
}

absl::StatusOr<v1::Patient> SessionLogServiceImpl::Shown(
    const Principal& caller, v1::Patient patient) {
  KIP_ASSIGN_OR_RETURN(view, trial_.View(patient.study_id()));
  trial::ShowPatient(caller.role, view.study, *view.state, patient);
  return patient;
}

absl::Status SessionLogServiceImpl::Audit(const Principal& caller,
                                          absl::string_view method,
                                          const std::string& resource) {
  v1::ReadAuditEntry entry;
  *entry.mutable_time() = ToTimestamp(absl::Now());
  entry.set_subject(caller.subject);
  entry.set_role(ProtoRole(caller.role));
  entry.set_method(std::string(method));
  entry.set_resource(resource);
  return log_.RecordRead(entry);
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::CreateStudy(
    grpc::CallbackServerContext* context, const v1::CreateStudyRequest* request,
    v1::CreateStudyResponse* response) {
  return guard_.Unary(context, "CreateStudy", [&](const Principal& caller) {
    KIP_ASSIGN_OR_RETURN(study, trial_.CreateStudy(request->study()));
    KIP_ASSIGN_OR_RETURN(shown, Shown(caller, std::move(study)));
    *response->mutable_study() = std::move(shown);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetStudy(
    grpc::CallbackServerContext* context, const v1::GetStudyRequest* request,
    v1::GetStudyResponse* response) {
  return guard_.Unary(context, "GetStudy", [&](const Principal& caller) {
    KIP_ASSIGN_OR_RETURN(study, log_.GetStudy(request->study_id()));
    KIP_ASSIGN_OR_RETURN(shown, Shown(caller, std::move(study)));
    *response->mutable_study() = std::move(shown);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::ListStudies(
    grpc::CallbackServerContext* context, const v1::ListStudiesRequest* request,
    v1::ListStudiesResponse* response) {
  return guard_.Unary(context, "ListStudies", [&](const Principal& caller) {
    KIP_ASSIGN_OR_RETURN(page, log_.ListStudies(*request));
    for (v1::Study& study : *page.mutable_studies()) {
      KIP_ASSIGN_OR_RETURN(shown, Shown(caller, std::move(study)));
      study = std::move(shown);
    }
    *response = std::move(page);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::EnrollPatient(
    grpc::CallbackServerContext* context,
    const v1::EnrollPatientRequest* request,
    v1::EnrollPatientResponse* response) {
  return guard_.Unary(context, "EnrollPatient", [&](const Principal& caller) {
    // An empty site is the log's to refuse, with its field path.
    if (!request->patient().site_id().empty()) {
      KIP_RETURN_IF_ERROR(SiteScope::CheckSite(
          caller, request->patient().site_id(),
          absl::StrCat("patient '", request->patient().patient_id(), "'")));
    }
    KIP_ASSIGN_OR_RETURN(patient,
                         trial_.Enroll(request->patient(), caller.subject));
    KIP_ASSIGN_OR_RETURN(shown, Shown(caller, std::move(patient)));
    *response->mutable_patient() = std::move(shown);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetPatient(
    grpc::CallbackServerContext* context, const v1::GetPatientRequest* request,
    v1::GetPatientResponse* response) {
  return guard_.Unary(context, "GetPatient", [&](const Principal& caller) {
    KIP_ASSIGN_OR_RETURN(
        patient, log_.GetPatient(request->study_id(), request->patient_id()));
    KIP_RETURN_IF_ERROR(SiteScope::CheckSite(
        caller, patient.site_id(),
        absl::StrCat("patient '", request->patient_id(), "'")));
    KIP_RETURN_IF_ERROR(Audit(caller, "GetPatient",
                              absl::StrCat("patient/", request->study_id(), "/",
                                           request->patient_id())));
    KIP_ASSIGN_OR_RETURN(shown, Shown(caller, std::move(patient)));
    *response->mutable_patient() = std::move(shown);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::StartSession(
    grpc::CallbackServerContext* context,
    const v1::StartSessionRequest* request,
    v1::StartSessionResponse* response) {
  return guard_.Unary(context, "StartSession", [&](const Principal& caller) {
    KIP_RETURN_IF_ERROR(scope_.CheckPatient(caller,
                                            request->session().study_id(),
                                            request->session().patient_id()));
    KIP_ASSIGN_OR_RETURN(session, log_.StartSession(request->session()));
    *response->mutable_session() = session;
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetSession(
    grpc::CallbackServerContext* context, const v1::GetSessionRequest* request,
    v1::GetSessionResponse* response) {
  return guard_.Unary(context, "GetSession", [&](const Principal& caller) {
    KIP_ASSIGN_OR_RETURN(session, log_.GetSession(request->session_id(),
                                                  request->after_sequence()));
    KIP_RETURN_IF_ERROR(SiteScope::CheckSite(
        caller, session.session().site_id(),
        absl::StrCat("session '", request->session_id(), "'")));
    if (WithholdsFreeText(caller.role)) {
      for (v1::Event& event : *session.mutable_events())
        WithholdFreeText(event);
    }
    KIP_RETURN_IF_ERROR(Audit(caller, "GetSession",
                              absl::StrCat("session/", request->session_id())));
    *response = std::move(session);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::ListSessions(
    grpc::CallbackServerContext* context,
    const v1::ListSessionsRequest* request,
    v1::ListSessionsResponse* response) {
  return guard_.Unary(context, "ListSessions", [&](const Principal& caller) {
    v1::ListSessionsRequest scoped = *request;
    if (SiteScope::IsSiteBound(caller)) {
      if (scoped.site_id().empty()) scoped.set_site_id(caller.site);
      KIP_RETURN_IF_ERROR(SiteScope::CheckSite(
          caller, scoped.site_id(),
          absl::StrCat("site_id: site '", scoped.site_id(), "'")));
    }
    KIP_ASSIGN_OR_RETURN(page, log_.ListSessions(scoped));
    KIP_RETURN_IF_ERROR(Audit(
        caller, "ListSessions",
        absl::StrCat("sessions?study=", request->study_id(), "&patient=",
                     request->patient_id(), "&site=", request->site_id())));
    *response = std::move(page);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::AppendEvents(
    grpc::CallbackServerContext* context,
    const v1::AppendEventsRequest* request,
    v1::AppendEventsResponse* response) {
  return guard_.Unary(context, "AppendEvents", [&](const Principal& caller) {
    for (const v1::Event& event : request->events()) {
      // Only the site decides here; an unknown session is reported by the
      // log with the event's field path.
      absl::Status in_scope = scope_.CheckSession(caller, event.session_id());
      if (absl::IsPermissionDenied(in_scope)) return in_scope;
    }
    std::vector<v1::Event> events(request->events().begin(),
                                  request->events().end());
    KIP_ASSIGN_OR_RETURN(acks, log_.Append(std::move(events), caller.subject,
                                           CallDeadline(*context)));
    for (v1::EventAck& ack : acks) *response->add_acks() = std::move(ack);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetCumulativeDose(
    grpc::CallbackServerContext* context,
    const v1::GetCumulativeDoseRequest* request,
    v1::GetCumulativeDoseResponse* response) {
  return guard_.Unary(
      context, "GetCumulativeDose", [&](const Principal& caller) {
        if (!request->session_id().empty()) {
          KIP_RETURN_IF_ERROR(
              scope_.CheckSession(caller, request->session_id()));
        }
        if (!request->patient_id().empty()) {
          KIP_RETURN_IF_ERROR(scope_.CheckPatient(caller, request->study_id(),
                                                  request->patient_id()));
        }
        KIP_ASSIGN_OR_RETURN(dose, log_.CumulativeDose(*request));
        KIP_RETURN_IF_ERROR(Audit(
            caller, "GetCumulativeDose",
            absl::StrCat("dose/", request->study_id(), "/",
                         request->patient_id(), "/", request->session_id())));
        *response = std::move(dose);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::VerifySession(
    grpc::CallbackServerContext* context,
    const v1::VerifySessionRequest* request,
    v1::VerifySessionResponse* response) {
  return guard_.Unary(context, "VerifySession", [&](const Principal& caller) {
    KIP_RETURN_IF_ERROR(scope_.CheckSession(caller, request->session_id()));
    KIP_ASSIGN_OR_RETURN(result, log_.VerifySession(request->session_id()));
    *response = std::move(result);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetCheckpoint(
    grpc::CallbackServerContext* context,
    const v1::GetCheckpointRequest* /*request*/,
    v1::GetCheckpointResponse* response) {
  return guard_.Unary(context, "GetCheckpoint", [&](const Principal&) {
    KIP_ASSIGN_OR_RETURN(checkpoint, log_.Checkpoint());
    *response = std::move(checkpoint);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetInclusionProof(
    grpc::CallbackServerContext* context,
    const v1::GetInclusionProofRequest* request,
    v1::GetInclusionProofResponse* response) {
  return guard_.Unary(context, "GetInclusionProof", [&](const Principal&) {
    KIP_ASSIGN_OR_RETURN(proof, log_.InclusionProof(request->leaf_index(),
                                                    request->tree_size()));
    *response = std::move(proof);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetConsistencyProof(
    grpc::CallbackServerContext* context,
    const v1::GetConsistencyProofRequest* request,
    v1::GetConsistencyProofResponse* response) {
  return guard_.Unary(context, "GetConsistencyProof", [&](const Principal&) {
    KIP_ASSIGN_OR_RETURN(proof,
                         log_.ConsistencyProof(request->first_tree_size(),
                                               request->second_tree_size()));
    *response = std::move(proof);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::ListReadAudit(
    grpc::CallbackServerContext* context,
    const v1::ListReadAuditRequest* request,
    v1::ListReadAuditResponse* response) {
  return guard_.Unary(context, "ListReadAudit", [&](const Principal&) {
    KIP_ASSIGN_OR_RETURN(page, log_.ListReadAudit(*request));
    *response = std::move(page);
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::StreamEventsResponse>*
SessionLogServiceImpl::StreamEvents(grpc::CallbackServerContext* context,
                                    const v1::StreamEventsRequest* request) {
  using Reactor = ThreadedWriteReactor<v1::StreamEventsResponse>;
  return guard_.Stream<v1::StreamEventsResponse>(
      context, "StreamEvents",
      [&](const Principal& caller)
          -> grpc::ServerWriteReactor<v1::StreamEventsResponse>* {
        const v1::StreamEventsRequest req = *request;
        if (req.from_global_index() < 0) {
          return new FinishedWriteReactor<v1::StreamEventsResponse>(
              ToGrpcStatus(absl::InvalidArgumentError(
                  absl::StrCat("from_global_index: ", req.from_global_index(),
                               " is below 0"))));
        }
        absl::Status audited =
            Audit(caller, "StreamEvents",
                  absl::StrCat("events?from=", req.from_global_index(),
                               "&study=", req.study_id()));
        if (!audited.ok()) {
          return new FinishedWriteReactor<v1::StreamEventsResponse>(
              ToGrpcStatus(audited));
        }
        const bool withhold = WithholdsFreeText(caller.role);
        return Reactor::Start(
            context,
            [this, req, withhold](
                const Reactor::Writer& write,
                const std::function<bool()>& cancelled) -> absl::Status {
              int64_t next = req.from_global_index();
              while (!cancelled()) {
                const int64_t scanned_size = log_.TreeSize();
                KIP_ASSIGN_OR_RETURN(
                    events,
                    log_.EventsFrom(next, req.study_id(), kStreamPageSize));
                v1::StreamEventsResponse message;
                for (v1::Event& event : events) {
                  next = event.global_index() + 1;
                  if (withhold) WithholdFreeText(event);
                  *message.mutable_event() = std::move(event);
                  if (!write(message))
                    return absl::CancelledError("client left");
                }
                if (static_cast<int>(events.size()) == kStreamPageSize)
                  continue;
                if (!req.follow()) return absl::OkStatus();
                // Everything below scanned_size was visible to the query.
                next = std::max(next, scanned_size);
                log_.WaitForTreeSizeAbove(next - 1, absl::Now() + kFollowPoll);
              }
              return absl::CancelledError("client left");
            });
      });
}

grpc::ServerWriteReactor<v1::ExportStudyResponse>*
SessionLogServiceImpl::ExportStudy(grpc::CallbackServerContext* context,
                                   const v1::ExportStudyRequest* request) {
  using Reactor = ThreadedWriteReactor<v1::ExportStudyResponse>;
  return guard_.Stream<v1::ExportStudyResponse>(
      context, "ExportStudy",
      [&](const Principal& caller)
          -> grpc::ServerWriteReactor<v1::ExportStudyResponse>* {
        const v1::ExportStudyRequest req = *request;
        absl::StatusOr<std::vector<ExportTable>> tables = ExportTables(
            caller, req.study_id(), req.format(), CallerBearerToken(context));
        absl::Status status = tables.status();
        if (status.ok()) {
          status = Audit(caller, "ExportStudy",
                         absl::StrCat("export/", req.study_id()));
        }
        if (!status.ok()) {
          return new FinishedWriteReactor<v1::ExportStudyResponse>(
              ToGrpcStatus(status));
        }
        return Reactor::Start(
            context,
            [tables = std::move(*tables)](
                const Reactor::Writer& write,
                const std::function<bool()>&) -> absl::Status {
              for (const ExportTable& table : tables) {
                for (size_t offset = 0;
                     offset == 0 || offset < table.csv.size();
                     offset += kExportChunkBytes) {
                  v1::ExportStudyResponse chunk;
                  chunk.set_table_name(table.name);
                  chunk.set_csv_chunk(
                      table.csv.substr(offset, kExportChunkBytes));
                  if (!write(chunk)) return absl::CancelledError("client left");
                }
              }
              return absl::OkStatus();
            });
      });
}

}  // namespace kip::sessions
