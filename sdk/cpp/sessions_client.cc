#include "sdk/cpp/sessions_client.h"

#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "sdk/cpp/call.h"
#include "sdk/cpp/retry_policy.h"

namespace kip {
namespace {

class GrpcSessionLogConnection final : public SessionLogConnection {
 public:
  GrpcSessionLogConnection(ConnectionOptions options,
                           std::set<std::string> retried)
      : options_(std::move(options)),
        channel_(MakeChannel(
            options_, sessions::v1::SessionLogService::service_full_name(),
            retried)),
        stub_(sessions::v1::SessionLogService::NewStub(channel_)) {}
  void ResetConnectionBackoff() override {
    grpc::experimental::ChannelResetConnectionBackoff(channel_.get());
  }

  absl::StatusOr<sessions::v1::CreateStudyResponse> CreateStudy(
      const sessions::v1::CreateStudyRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::CreateStudy, request);
  }
  absl::StatusOr<sessions::v1::GetStudyResponse> GetStudy(
      const sessions::v1::GetStudyRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::GetStudy, request);
  }
  absl::StatusOr<sessions::v1::ListStudiesResponse> ListStudies(
      const sessions::v1::ListStudiesRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::ListStudies, request);
  }
  absl::StatusOr<sessions::v1::EnrollPatientResponse> EnrollPatient(
      const sessions::v1::EnrollPatientRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::EnrollPatient, request);
  }
  absl::StatusOr<sessions::v1::GetPatientResponse> GetPatient(
      const sessions::v1::GetPatientRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::GetPatient, request);
  }
  absl::StatusOr<sessions::v1::StartSessionResponse> StartSession(
      const sessions::v1::StartSessionRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::StartSession, request);
  }
  absl::StatusOr<sessions::v1::GetSessionResponse> GetSession(
      const sessions::v1::GetSessionRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::GetSession, request);
  }
  absl::StatusOr<sessions::v1::ListSessionsResponse> ListSessions(
      const sessions::v1::ListSessionsRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::ListSessions, request);
  }
  absl::StatusOr<sessions::v1::AppendEventsResponse> AppendEvents(
      const sessions::v1::AppendEventsRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::AppendEvents, request);
  }
  absl::Status StreamEvents(
      const sessions::v1::StreamEventsRequest& request,
      const std::function<bool(const sessions::v1::StreamEventsResponse&)>&
          on_message,
      const CallOptions& call) override {
    return ReadStream<sessions::v1::StreamEventsResponse>(
        options_, call,
        [&](grpc::ClientContext* context) {
          return stub_->StreamEvents(context, request);
        },
        on_message);
  }
  absl::StatusOr<sessions::v1::GetCumulativeDoseResponse> GetCumulativeDose(
      const sessions::v1::GetCumulativeDoseRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::GetCumulativeDose,
                 request);
  }
  absl::StatusOr<sessions::v1::VerifySessionResponse> VerifySession(
      const sessions::v1::VerifySessionRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::VerifySession, request);
  }
  absl::StatusOr<sessions::v1::GetCheckpointResponse> GetCheckpoint(
      const sessions::v1::GetCheckpointRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::GetCheckpoint, request);
  }
  absl::StatusOr<sessions::v1::GetInclusionProofResponse> GetInclusionProof(
      const sessions::v1::GetInclusionProofRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::GetInclusionProof,
                 request);
  }
  absl::StatusOr<sessions::v1::GetConsistencyProofResponse> GetConsistencyProof(
      const sessions::v1::GetConsistencyProofRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::GetConsistencyProof,
                 request);
  }
  absl::Status ExportStudy(
      const sessions::v1::ExportStudyRequest& request,
      const std::function<bool(const sessions::v1::ExportStudyResponse&)>&
          on_message,
      const CallOptions& call) override {
    return ReadStream<sessions::v1::ExportStudyResponse>(
        options_, call,
        [&](grpc::ClientContext* context) {
          return stub_->ExportStudy(context, request);
        },
        on_message);
  }
  absl::StatusOr<sessions::v1::ListReadAuditResponse> ListReadAudit(
      const sessions::v1::ListReadAuditRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::ListReadAudit, request);
  }
  absl::StatusOr<sessions::v1::GetAllocationListResponse> GetAllocationList(
      const sessions::v1::GetAllocationListRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::GetAllocationList,
                 request);
  }
  absl::StatusOr<sessions::v1::UnblindPatientResponse> UnblindPatient(
      const sessions::v1::UnblindPatientRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::UnblindPatient, request);
  }
  absl::StatusOr<sessions::v1::UnblindStudyResponse> UnblindStudy(
      const sessions::v1::UnblindStudyRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::UnblindStudy, request);
  }
  absl::StatusOr<sessions::v1::VerifyAllocationsResponse> VerifyAllocations(
      const sessions::v1::VerifyAllocationsRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::VerifyAllocations,
                 request);
  }
  absl::StatusOr<sessions::v1::ListSafetyReportsResponse> ListSafetyReports(
      const sessions::v1::ListSafetyReportsRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::ListSafetyReports,
                 request);
  }
  absl::StatusOr<sessions::v1::SignRecordsResponse> SignRecords(
      const sessions::v1::SignRecordsRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::SignRecords, request);
  }
  absl::StatusOr<sessions::v1::ListDeviationsResponse> ListDeviations(
      const sessions::v1::ListDeviationsRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::ListDeviations, request);
  }

 private:
  using Stub = sessions::v1::SessionLogService::Stub;
  ConnectionOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace

std::shared_ptr<SessionLogConnection> MakeSessionLogConnection(
    ConnectionOptions options) {
  return std::make_shared<GrpcSessionLogConnection>(
      std::move(options),
      RetriedMethods(sessions::v1::SessionLogService::service_full_name()));
}

absl::StatusOr<std::shared_ptr<SessionLogConnection>> MakeSessionLogConnection(
    ConnectionOptions options, const std::set<std::string>& retried_methods) {
  absl::Status known = CheckMethodsExist(
      sessions::v1::SessionLogService::service_full_name(), retried_methods);
  if (!known.ok()) return known;
  return std::make_shared<GrpcSessionLogConnection>(std::move(options),
                                                    retried_methods);
}

}  // namespace kip
