// The SessionLogService client of the KIP SDK: SessionLogConnection (one
// virtual per RPC, written out; gMock version in sdk/cpp/mocks) and
// SessionLogClient, which forwards each call with its per-call options. Shaped
// like google-cloud-cpp; no exceptions cross the API; thread-safe, no global
// state.
#ifndef KIP_SDK_CPP_SESSIONS_CLIENT_H_
#define KIP_SDK_CPP_SESSIONS_CLIENT_H_

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "sdk/cpp/connection_options.h"

namespace kip {

// kip.sessions.v1.SessionLogService: one virtual per RPC; MakeXConnection gives
// the gRPC one, sdk/cpp/mocks a gMock one.
class SessionLogConnection {
 public:
  virtual ~SessionLogConnection() = default;
  // The network is back: reconnect now rather than after gRPC's backoff.
  virtual void ResetConnectionBackoff() {}

  virtual absl::StatusOr<sessions::v1::CreateStudyResponse> CreateStudy(
      const sessions::v1::CreateStudyRequest& request,
      const CallOptions& call) = 0;

  virtual absl::StatusOr<sessions::v1::GetStudyResponse> GetStudy(
      const sessions::v1::GetStudyRequest& request,
      const CallOptions& call) = 0;

  virtual absl::StatusOr<sessions::v1::ListStudiesResponse> ListStudies(
      const sessions::v1::ListStudiesRequest& request,
      const CallOptions& call) = 0;
  // Enrols a pseudonymous patient and records the arm allocation.
  virtual absl::StatusOr<sessions::v1::EnrollPatientResponse> EnrollPatient(
      const sessions::v1::EnrollPatientRequest& request,
      const CallOptions& call) = 0;

  virtual absl::StatusOr<sessions::v1::GetPatientResponse> GetPatient(
      const sessions::v1::GetPatientRequest& request,
      const CallOptions& call) = 0;

  virtual absl::StatusOr<sessions::v1::StartSessionResponse> StartSession(
      const sessions::v1::StartSessionRequest& request,
      const CallOptions& call) = 0;
  // A session with all its events.
  virtual absl::StatusOr<sessions::v1::GetSessionResponse> GetSession(
      const sessions::v1::GetSessionRequest& request,
      const CallOptions& call) = 0;
  // Sessions by patient, study, site and time range, paged.
  virtual absl::StatusOr<sessions::v1::ListSessionsResponse> ListSessions(
      const sessions::v1::ListSessionsRequest& request,
      const CallOptions& call) = 0;
  // A batch of events, written in one transaction or not at all; idempotent by
  // event_id.
  virtual absl::StatusOr<sessions::v1::AppendEventsResponse> AppendEvents(
      const sessions::v1::AppendEventsRequest& request,
      const CallOptions& call) = 0;
  // Events from a global sequence number on, for analytics.
  // Calls `on_message` for each message until the stream ends or it returns
  // false (then the call is cancelled and OK returned).
  virtual absl::Status StreamEvents(
      const sessions::v1::StreamEventsRequest& request,
      const std::function<bool(const sessions::v1::StreamEventsResponse&)>&
          on_message,
      const CallOptions& call) = 0;
  // What a patient has received in a session, a calendar day and a course.
  virtual absl::StatusOr<sessions::v1::GetCumulativeDoseResponse>
  GetCumulativeDose(const sessions::v1::GetCumulativeDoseRequest& request,
                    const CallOptions& call) = 0;
  // Recomputes a session's hash chain and reports the first bad link.
  virtual absl::StatusOr<sessions::v1::VerifySessionResponse> VerifySession(
      const sessions::v1::VerifySessionRequest& request,
      const CallOptions& call) = 0;
  // Signed head of the global RFC 6962 Merkle log.
  virtual absl::StatusOr<sessions::v1::GetCheckpointResponse> GetCheckpoint(
      const sessions::v1::GetCheckpointRequest& request,
      const CallOptions& call) = 0;

  virtual absl::StatusOr<sessions::v1::GetInclusionProofResponse>
  GetInclusionProof(const sessions::v1::GetInclusionProofRequest& request,
                    const CallOptions& call) = 0;

  virtual absl::StatusOr<sessions::v1::GetConsistencyProofResponse>
  GetConsistencyProof(const sessions::v1::GetConsistencyProofRequest& request,
                      const CallOptions& call) = 0;
  // CSV per event type and CDISC SDTM-style tables, streamed in chunks.
  // Calls `on_message` for each message until the stream ends or it returns
  // false (then the call is cancelled and OK returned).
  virtual absl::Status ExportStudy(
      const sessions::v1::ExportStudyRequest& request,
      const std::function<bool(const sessions::v1::ExportStudyResponse&)>&
          on_message,
      const CallOptions& call) = 0;
  // Who read what (admins only).
  virtual absl::StatusOr<sessions::v1::ListReadAuditResponse> ListReadAudit(
      const sessions::v1::ListReadAuditRequest& request,
      const CallOptions& call) = 0;
  // A randomised study's allocations and seed (statistician, admin).
  virtual absl::StatusOr<sessions::v1::GetAllocationListResponse>
  GetAllocationList(const sessions::v1::GetAllocationListRequest& request,
                    const CallOptions& call) = 0;
  // Emergency unblinding of one patient, with a reason (logged).
  virtual absl::StatusOr<sessions::v1::UnblindPatientResponse> UnblindPatient(
      const sessions::v1::UnblindPatientRequest& request,
      const CallOptions& call) = 0;
  // Unblinds a whole study (admin, logged).
  virtual absl::StatusOr<sessions::v1::UnblindStudyResponse> UnblindStudy(
      const sessions::v1::UnblindStudyRequest& request,
      const CallOptions& call) = 0;
  // Recomputes a study's trial log and checks patients against it.
  virtual absl::StatusOr<sessions::v1::VerifyAllocationsResponse>
  VerifyAllocations(const sessions::v1::VerifyAllocationsRequest& request,
                    const CallOptions& call) = 0;
  // Serious adverse events with their reporting clocks.
  virtual absl::StatusOr<sessions::v1::ListSafetyReportsResponse>
  ListSafetyReports(const sessions::v1::ListSafetyReportsRequest& request,
                    const CallOptions& call) = 0;
  // An investigator signs a session or a casebook (not retried: a retry
  // would sign twice).
  virtual absl::StatusOr<sessions::v1::SignRecordsResponse> SignRecords(
      const sessions::v1::SignRecordsRequest& request,
      const CallOptions& call) = 0;
  // Protocol deviations found from the log.
  virtual absl::StatusOr<sessions::v1::ListDeviationsResponse> ListDeviations(
      const sessions::v1::ListDeviationsRequest& request,
      const CallOptions& call) = 0;
};

// The gRPC connection to SessionLogService, retrying UNAVAILABLE on the methods
// the retry policy names (sdk/cpp/retry_policy.h).
std::shared_ptr<SessionLogConnection> MakeSessionLogConnection(
    ConnectionOptions options);
// As above with the retried methods given; they must be methods of the
// service (InvalidArgument otherwise).
absl::StatusOr<std::shared_ptr<SessionLogConnection>> MakeSessionLogConnection(
    ConnectionOptions options, const std::set<std::string>& retried_methods);

// The SessionLogService client: each method forwards to the connection with the
// call's options (deadline, token, metadata), defaulting to the connection's.
class SessionLogClient {
 public:
  explicit SessionLogClient(std::shared_ptr<SessionLogConnection> connection)
      : connection_(std::move(connection)) {}

  absl::StatusOr<sessions::v1::CreateStudyResponse> CreateStudy(
      const sessions::v1::CreateStudyRequest& request,
      const CallOptions& call = {}) {
    return connection_->CreateStudy(request, call);
  }
  absl::StatusOr<sessions::v1::GetStudyResponse> GetStudy(
      const sessions::v1::GetStudyRequest& request,
      const CallOptions& call = {}) {
    return connection_->GetStudy(request, call);
  }
  absl::StatusOr<sessions::v1::ListStudiesResponse> ListStudies(
      const sessions::v1::ListStudiesRequest& request,
      const CallOptions& call = {}) {
    return connection_->ListStudies(request, call);
  }
  // Enrols a pseudonymous patient and records the arm allocation.
  absl::StatusOr<sessions::v1::EnrollPatientResponse> EnrollPatient(
      const sessions::v1::EnrollPatientRequest& request,
      const CallOptions& call = {}) {
    return connection_->EnrollPatient(request, call);
  }
  absl::StatusOr<sessions::v1::GetPatientResponse> GetPatient(
      const sessions::v1::GetPatientRequest& request,
      const CallOptions& call = {}) {
    return connection_->GetPatient(request, call);
  }
  absl::StatusOr<sessions::v1::StartSessionResponse> StartSession(
      const sessions::v1::StartSessionRequest& request,
      const CallOptions& call = {}) {
    return connection_->StartSession(request, call);
  }
  // A session with all its events.
  absl::StatusOr<sessions::v1::GetSessionResponse> GetSession(
      const sessions::v1::GetSessionRequest& request,
      const CallOptions& call = {}) {
    return connection_->GetSession(request, call);
  }
  // Sessions by patient, study, site and time range, paged.
  absl::StatusOr<sessions::v1::ListSessionsResponse> ListSessions(
      const sessions::v1::ListSessionsRequest& request,
      const CallOptions& call = {}) {
    return connection_->ListSessions(request, call);
  }
  // A batch of events, written in one transaction or not at all; idempotent by
  // event_id.
  absl::StatusOr<sessions::v1::AppendEventsResponse> AppendEvents(
      const sessions::v1::AppendEventsRequest& request,
      const CallOptions& call = {}) {
    return connection_->AppendEvents(request, call);
  }
  // Events from a global sequence number on, for analytics.
  absl::Status StreamEvents(
      const sessions::v1::StreamEventsRequest& request,
      const std::function<bool(const sessions::v1::StreamEventsResponse&)>&
          on_message,
      const CallOptions& call = {}) {
    return connection_->StreamEvents(request, on_message, call);
  }
  // What a patient has received in a session, a calendar day and a course.
  absl::StatusOr<sessions::v1::GetCumulativeDoseResponse> GetCumulativeDose(
      const sessions::v1::GetCumulativeDoseRequest& request,
      const CallOptions& call = {}) {
    return connection_->GetCumulativeDose(request, call);
  }
  // Recomputes a session's hash chain and reports the first bad link.
  absl::StatusOr<sessions::v1::VerifySessionResponse> VerifySession(
      const sessions::v1::VerifySessionRequest& request,
      const CallOptions& call = {}) {
    return connection_->VerifySession(request, call);
  }
  // Signed head of the global RFC 6962 Merkle log.
  absl::StatusOr<sessions::v1::GetCheckpointResponse> GetCheckpoint(
      const sessions::v1::GetCheckpointRequest& request,
      const CallOptions& call = {}) {
    return connection_->GetCheckpoint(request, call);
  }
  absl::StatusOr<sessions::v1::GetInclusionProofResponse> GetInclusionProof(
      const sessions::v1::GetInclusionProofRequest& request,
      const CallOptions& call = {}) {
    return connection_->GetInclusionProof(request, call);
  }
  absl::StatusOr<sessions::v1::GetConsistencyProofResponse> GetConsistencyProof(
      const sessions::v1::GetConsistencyProofRequest& request,
      const CallOptions& call = {}) {
    return connection_->GetConsistencyProof(request, call);
  }
  // CSV per event type and CDISC SDTM-style tables, streamed in chunks.
  absl::Status ExportStudy(
      const sessions::v1::ExportStudyRequest& request,
      const std::function<bool(const sessions::v1::ExportStudyResponse&)>&
          on_message,
      const CallOptions& call = {}) {
    return connection_->ExportStudy(request, on_message, call);
  }
  // Who read what (admins only).
  absl::StatusOr<sessions::v1::ListReadAuditResponse> ListReadAudit(
      const sessions::v1::ListReadAuditRequest& request,
      const CallOptions& call = {}) {
    return connection_->ListReadAudit(request, call);
  }
  absl::StatusOr<sessions::v1::GetAllocationListResponse> GetAllocationList(
      const sessions::v1::GetAllocationListRequest& request,
      const CallOptions& call = {}) {
    return connection_->GetAllocationList(request, call);
  }
  absl::StatusOr<sessions::v1::UnblindPatientResponse> UnblindPatient(
      const sessions::v1::UnblindPatientRequest& request,
      const CallOptions& call = {}) {
    return connection_->UnblindPatient(request, call);
  }
  absl::StatusOr<sessions::v1::UnblindStudyResponse> UnblindStudy(
      const sessions::v1::UnblindStudyRequest& request,
      const CallOptions& call = {}) {
    return connection_->UnblindStudy(request, call);
  }
  absl::StatusOr<sessions::v1::VerifyAllocationsResponse> VerifyAllocations(
      const sessions::v1::VerifyAllocationsRequest& request,
      const CallOptions& call = {}) {
    return connection_->VerifyAllocations(request, call);
  }
  absl::StatusOr<sessions::v1::ListSafetyReportsResponse> ListSafetyReports(
      const sessions::v1::ListSafetyReportsRequest& request,
      const CallOptions& call = {}) {
    return connection_->ListSafetyReports(request, call);
  }
  absl::StatusOr<sessions::v1::SignRecordsResponse> SignRecords(
      const sessions::v1::SignRecordsRequest& request,
      const CallOptions& call = {}) {
    return connection_->SignRecords(request, call);
  }
  absl::StatusOr<sessions::v1::ListDeviationsResponse> ListDeviations(
      const sessions::v1::ListDeviationsRequest& request,
      const CallOptions& call = {}) {
    return connection_->ListDeviations(request, call);
  }

 private:
  std::shared_ptr<SessionLogConnection> connection_;
};

}  // namespace kip

#endif  // KIP_SDK_CPP_SESSIONS_CLIENT_H_
