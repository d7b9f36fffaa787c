#include "services/sessions/sessions_service.h"

#include "services/sessions/access_policy.h"

namespace kip::sessions {

namespace v1 = kip::sessions::v1;

SessionLogServiceImpl::SessionLogServiceImpl(const Authenticator& authenticator)
    : guard_(authenticator, SessionsAccessPolicy()) {}

grpc::ServerUnaryReactor* SessionLogServiceImpl::CreateStudy(
    grpc::CallbackServerContext* context,
    const v1::CreateStudyRequest* /*request*/,
    v1::CreateStudyResponse* /*response*/) {
  return guard_.Unary(context, "CreateStudy", [](const Principal&) {
    return NotYetImplemented("CreateStudy", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetStudy(
    grpc::CallbackServerContext* context,
    const v1::GetStudyRequest* /*request*/,
    v1::GetStudyResponse* /*response*/) {
  return guard_.Unary(context, "GetStudy", [](const Principal&) {
    return NotYetImplemented("GetStudy", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::ListStudies(
    grpc::CallbackServerContext* context,
    const v1::ListStudiesRequest* /*request*/,
    v1::ListStudiesResponse* /*response*/) {
  return guard_.Unary(context, "ListStudies", [](const Principal&) {
    return NotYetImplemented("ListStudies", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::EnrollPatient(
    grpc::CallbackServerContext* context,
    const v1::EnrollPatientRequest* /*request*/,
    v1::EnrollPatientResponse* /*response*/) {
  return guard_.Unary(context, "EnrollPatient", [](const Principal&) {
    return NotYetImplemented("EnrollPatient", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetPatient(
    grpc::CallbackServerContext* context,
    const v1::GetPatientRequest* /*request*/,
    v1::GetPatientResponse* /*response*/) {
  return guard_.Unary(context, "GetPatient", [](const Principal&) {
    return NotYetImplemented("GetPatient", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::StartSession(
    grpc::CallbackServerContext* context,
    const v1::StartSessionRequest* /*request*/,
    v1::StartSessionResponse* /*response*/) {
  return guard_.Unary(context, "StartSession", [](const Principal&) {
    return NotYetImplemented("StartSession", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetSession(
    grpc::CallbackServerContext* context,
    const v1::GetSessionRequest* /*request*/,
    v1::GetSessionResponse* /*response*/) {
  return guard_.Unary(context, "GetSession", [](const Principal&) {
    return NotYetImplemented("GetSession", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::ListSessions(
    grpc::CallbackServerContext* context,
    const v1::ListSessionsRequest* /*request*/,
    v1::ListSessionsResponse* /*response*/) {
  return guard_.Unary(context, "ListSessions", [](const Principal&) {
    return NotYetImplemented("ListSessions", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::AppendEvents(
    grpc::CallbackServerContext* context,
    const v1::AppendEventsRequest* /*request*/,
    v1::AppendEventsResponse* /*response*/) {
  return guard_.Unary(context, "AppendEvents", [](const Principal&) {
    return NotYetImplemented("AppendEvents", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetCumulativeDose(
    grpc::CallbackServerContext* context,
    const v1::GetCumulativeDoseRequest* /*request*/,
    v1::GetCumulativeDoseResponse* /*response*/) {
  return guard_.Unary(context, "GetCumulativeDose", [](const Principal&) {
    return NotYetImplemented("GetCumulativeDose", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::VerifySession(
    grpc::CallbackServerContext* context,
    const v1::VerifySessionRequest* /*request*/,
    v1::VerifySessionResponse* /*response*/) {
  return guard_.Unary(context, "VerifySession", [](const Principal&) {
    return NotYetImplemented("VerifySession", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetCheckpoint(
    grpc::CallbackServerContext* context,
    const v1::GetCheckpointRequest* /*request*/,
    v1::GetCheckpointResponse* /*response*/) {
  return guard_.Unary(context, "GetCheckpoint", [](const Principal&) {
    return NotYetImplemented("GetCheckpoint", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetInclusionProof(
    grpc::CallbackServerContext* context,
    const v1::GetInclusionProofRequest* /*request*/,
    v1::GetInclusionProofResponse* /*response*/) {
  return guard_.Unary(context, "GetInclusionProof", [](const Principal&) {
    return NotYetImplemented("GetInclusionProof", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetConsistencyProof(
    grpc::CallbackServerContext* context,
    const v1::GetConsistencyProofRequest* /*request*/,
    v1::GetConsistencyProofResponse* /*response*/) {
  return guard_.Unary(context, "GetConsistencyProof", [](const Principal&) {
    return NotYetImplemented("GetConsistencyProof", "issue #4");
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::ListReadAudit(
    grpc::CallbackServerContext* context,
    const v1::ListReadAuditRequest* /*request*/,
    v1::ListReadAuditResponse* /*response*/) {
  return guard_.Unary(context, "ListReadAudit", [](const Principal&) {
    return NotYetImplemented("ListReadAudit", "issue #4");
  });
}

grpc::ServerWriteReactor<v1::StreamEventsResponse>*
SessionLogServiceImpl::StreamEvents(
    grpc::CallbackServerContext* context,
    const v1::StreamEventsRequest* /*request*/) {
  return guard_.Stream<v1::StreamEventsResponse>(
      context, "StreamEvents", [](const Principal&) {
        return new FinishedWriteReactor<v1::StreamEventsResponse>(
            ToGrpcStatus(NotYetImplemented("StreamEvents", "issue #4")));
      });
}

grpc::ServerWriteReactor<v1::ExportStudyResponse>*
SessionLogServiceImpl::ExportStudy(grpc::CallbackServerContext* context,
                                   const v1::ExportStudyRequest* /*request*/) {
  return guard_.Stream<v1::ExportStudyResponse>(
      context, "ExportStudy", [](const Principal&) {
        return new FinishedWriteReactor<v1::ExportStudyResponse>(
            ToGrpcStatus(NotYetImplemented("ExportStudy", "issue #4")));
      });
}

}  // namespace kip::sessions
