// kip.sessions.v1.SessionLogService adapter: authorization, the read audit,
// request fields -> EventLog calls, absl::Status -> gRPC status.
#ifndef KIP_SERVICES_SESSIONS_SESSIONS_SERVICE_H_
#define KIP_SERVICES_SESSIONS_SESSIONS_SERVICE_H_

#include <functional>

#include "absl/time/clock.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "services/common/authenticator.h"
#include "services/common/rpc_guard.h"
#include "services/sessions/dosing_protocols.h"
#include "services/sessions/log/event_log.h"
#include "services/sessions/log/study_export.h"
#include "services/sessions/safety/safety_reports.h"
#include "services/sessions/site_scope.h"
#include "services/sessions/trial/trial_log.h"

namespace kip::sessions {

class SessionLogServiceImpl final
    : public kip::sessions::v1::SessionLogService::CallbackService {
 public:
  // `now` is the server's time source (the safety-report clocks run on
  // it); tests inject their own.
  // `protocols` (may be null: then deviations are not listed) reads the
  // dosing library's protocols.
  SessionLogServiceImpl(const Authenticator& authenticator, EventLog& log,
                        trial::TrialLog& trial,
                        const DosingProtocols* protocols = nullptr,
                        std::function<absl::Time()> now = &absl::Now);

  grpc::ServerUnaryReactor* CreateStudy(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::CreateStudyRequest* request,
      kip::sessions::v1::CreateStudyResponse* response) override;
  grpc::ServerUnaryReactor* GetStudy(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::GetStudyRequest* request,
      kip::sessions::v1::GetStudyResponse* response) override;
  grpc::ServerUnaryReactor* ListStudies(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::ListStudiesRequest* request,
      kip::sessions::v1::ListStudiesResponse* response) override;
  grpc::ServerUnaryReactor* EnrollPatient(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::EnrollPatientRequest* request,
      kip::sessions::v1::EnrollPatientResponse* response) override;
  grpc::ServerUnaryReactor* GetPatient(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::GetPatientRequest* request,
      kip::sessions::v1::GetPatientResponse* response) override;
  grpc::ServerUnaryReactor* StartSession(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::StartSessionRequest* request,
      kip::sessions::v1::StartSessionResponse* response) override;
  grpc::ServerUnaryReactor* GetSession(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::GetSessionRequest* request,
      kip::sessions::v1::GetSessionResponse* response) override;
  grpc::ServerUnaryReactor* ListSessions(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::ListSessionsRequest* request,
      kip::sessions::v1::ListSessionsResponse* response) override;
  grpc::ServerUnaryReactor* AppendEvents(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::AppendEventsRequest* request,
      kip::sessions::v1::AppendEventsResponse* response) override;
  grpc::ServerUnaryReactor* GetCumulativeDose(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::GetCumulativeDoseRequest* request,
      kip::sessions::v1::GetCumulativeDoseResponse* response) override;
  grpc::ServerUnaryReactor* VerifySession(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::VerifySessionRequest* request,
      kip::sessions::v1::VerifySessionResponse* response) override;
  grpc::ServerUnaryReactor* GetCheckpoint(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::GetCheckpointRequest* request,
      kip::sessions::v1::GetCheckpointResponse* response) override;
  grpc::ServerUnaryReactor* GetInclusionProof(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::GetInclusionProofRequest* request,
      kip::sessions::v1::GetInclusionProofResponse* response) override;
  grpc::ServerUnaryReactor* GetConsistencyProof(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::GetConsistencyProofRequest* request,
      kip::sessions::v1::GetConsistencyProofResponse* response) override;
  grpc::ServerUnaryReactor* ListReadAudit(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::ListReadAuditRequest* request,
      kip::sessions::v1::ListReadAuditResponse* response) override;
  grpc::ServerWriteReactor<kip::sessions::v1::StreamEventsResponse>*
  StreamEvents(grpc::CallbackServerContext* context,
               const kip::sessions::v1::StreamEventsRequest* request) override;
  grpc::ServerWriteReactor<kip::sessions::v1::ExportStudyResponse>* ExportStudy(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::ExportStudyRequest* request) override;

  // Trial RPCs (issue #15), in sessions_trial_rpcs.cc.
  grpc::ServerUnaryReactor* GetAllocationList(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::GetAllocationListRequest* request,
      kip::sessions::v1::GetAllocationListResponse* response) override;
  grpc::ServerUnaryReactor* UnblindPatient(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::UnblindPatientRequest* request,
      kip::sessions::v1::UnblindPatientResponse* response) override;
  grpc::ServerUnaryReactor* UnblindStudy(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::UnblindStudyRequest* request,
      kip::sessions::v1::UnblindStudyResponse* response) override;
  grpc::ServerUnaryReactor* VerifyAllocations(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::VerifyAllocationsRequest* request,
      kip::sessions::v1::VerifyAllocationsResponse* response) override;
  // Safety RPCs (issue #16), in sessions_safety_rpcs.cc.
  grpc::ServerUnaryReactor* ListSafetyReports(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::ListSafetyReportsRequest* request,
      kip::sessions::v1::ListSafetyReportsResponse* response) override;
  // Electronic signatures (issue #16), in sessions_signature_rpcs.cc.
  grpc::ServerUnaryReactor* SignRecords(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::SignRecordsRequest* request,
      kip::sessions::v1::SignRecordsResponse* response) override;
  grpc::ServerUnaryReactor* ListDeviations(
      grpc::CallbackServerContext* context,
      const kip::sessions::v1::ListDeviationsRequest* request,
      kip::sessions::v1::ListDeviationsResponse* response) override;

 private:
  // Records who read which clinical resource (ListReadAudit shows it).
  absl::Status Audit(const Principal& caller, absl::string_view method,
                     const std::string& resource);
  // A study or patient as the caller may see it (trial/arm_visibility.h).
  absl::StatusOr<kip::sessions::v1::Study> Shown(
      const Principal& caller, kip::sessions::v1::Study study);
  absl::StatusOr<kip::sessions::v1::Patient> Shown(
      const Principal& caller, kip::sessions::v1::Patient patient);
  // The study's export tables as the caller may see them; `token` reads
  // protocols for the SDTM DV domain.
  absl::StatusOr<std::vector<ExportTable>> ExportTables(
      const Principal& caller, const std::string& study_id,
      kip::sessions::v1::ExportFormat format, const std::string& token);
  // The study's sessions as the caller may see them (a clinician: their
  // site's).
  absl::StatusOr<std::vector<safety::LoggedSession>> StudySessions(
      const Principal& caller, const std::string& study_id);
  // Deviations of `sessions`; FAILED_PRECONDITION without a dosing service.
  absl::StatusOr<std::vector<kip::sessions::v1::Deviation>> Deviations(
      const std::vector<safety::LoggedSession>& sessions,
      const std::string& token);

  RpcGuard guard_;
  EventLog& log_;
  trial::TrialLog& trial_;
  SiteScope scope_;
  const DosingProtocols* protocols_;
  std::function<absl::Time()> now_;
};

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_SESSIONS_SERVICE_H_
