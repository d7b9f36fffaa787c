// gMock connections for apps' unit tests:
//   auto mock = std::make_shared<kip::MockDosingConnection>();
//   EXPECT_CALL(*mock, PlanCourse).WillOnce(Return(plan));
//   kip::DosingClient client(mock);
#ifndef KIP_SDK_CPP_MOCKS_MOCK_CONNECTIONS_H_
#define KIP_SDK_CPP_MOCKS_MOCK_CONNECTIONS_H_

#include "gmock/gmock.h"
#include "sdk/cpp/clients.h"

namespace kip {

class MockDosingConnection : public DosingConnection {
 public:
  MOCK_METHOD(absl::StatusOr<dosing::v1::ListProtocolsResponse>, ListProtocols,
              (const dosing::v1::ListProtocolsRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<dosing::v1::GetProtocolResponse>, GetProtocol,
              (const dosing::v1::GetProtocolRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<dosing::v1::PlanCourseResponse>, PlanCourse,
              (const dosing::v1::PlanCourseRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<dosing::v1::ValidateProgramResponse>,
              ValidateProgram,
              (const dosing::v1::ValidateProgramRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<dosing::v1::ProposeTitrationResponse>,
              ProposeTitration,
              (const dosing::v1::ProposeTitrationRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<dosing::v1::PredictConcentrationResponse>,
              PredictConcentration,
              (const dosing::v1::PredictConcentrationRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(void, ResetConnectionBackoff, (), (override));
};

class MockSessionLogConnection : public SessionLogConnection {
 public:
  MOCK_METHOD(absl::StatusOr<sessions::v1::CreateStudyResponse>, CreateStudy,
              (const sessions::v1::CreateStudyRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::GetStudyResponse>, GetStudy,
              (const sessions::v1::GetStudyRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::ListStudiesResponse>, ListStudies,
              (const sessions::v1::ListStudiesRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::EnrollPatientResponse>,
              EnrollPatient,
              (const sessions::v1::EnrollPatientRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::GetPatientResponse>, GetPatient,
              (const sessions::v1::GetPatientRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::StartSessionResponse>, StartSession,
              (const sessions::v1::StartSessionRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::GetSessionResponse>, GetSession,
              (const sessions::v1::GetSessionRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::ListSessionsResponse>, ListSessions,
              (const sessions::v1::ListSessionsRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::AppendEventsResponse>, AppendEvents,
              (const sessions::v1::AppendEventsRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(
      absl::Status, StreamEvents,
      (const sessions::v1::StreamEventsRequest&,
       (const std::function<bool(const sessions::v1::StreamEventsResponse&)>&),
       const CallOptions&),
      (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::GetCumulativeDoseResponse>,
              GetCumulativeDose,
              (const sessions::v1::GetCumulativeDoseRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::VerifySessionResponse>,
              VerifySession,
              (const sessions::v1::VerifySessionRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::GetCheckpointResponse>,
              GetCheckpoint,
              (const sessions::v1::GetCheckpointRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::GetInclusionProofResponse>,
              GetInclusionProof,
              (const sessions::v1::GetInclusionProofRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::GetConsistencyProofResponse>,
              GetConsistencyProof,
              (const sessions::v1::GetConsistencyProofRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(
      absl::Status, ExportStudy,
      (const sessions::v1::ExportStudyRequest&,
       (const std::function<bool(const sessions::v1::ExportStudyResponse&)>&),
       const CallOptions&),
      (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::ListReadAuditResponse>,
              ListReadAudit,
              (const sessions::v1::ListReadAuditRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::GetAllocationListResponse>,
              GetAllocationList,
              (const sessions::v1::GetAllocationListRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::UnblindPatientResponse>,
              UnblindPatient,
              (const sessions::v1::UnblindPatientRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::UnblindStudyResponse>, UnblindStudy,
              (const sessions::v1::UnblindStudyRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::VerifyAllocationsResponse>,
              VerifyAllocations,
              (const sessions::v1::VerifyAllocationsRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::ListSafetyReportsResponse>,
              ListSafetyReports,
              (const sessions::v1::ListSafetyReportsRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::SignRecordsResponse>, SignRecords,
              (const sessions::v1::SignRecordsRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<sessions::v1::ListDeviationsResponse>,
              ListDeviations,
              (const sessions::v1::ListDeviationsRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(void, ResetConnectionBackoff, (), (override));
};

class MockAnalyticsConnection : public AnalyticsConnection {
 public:
  MOCK_METHOD(absl::StatusOr<analytics::v1::RunMetaAnalysisResponse>,
              RunMetaAnalysis,
              (const analytics::v1::RunMetaAnalysisRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<analytics::v1::ComputeStudyOutcomesResponse>,
              ComputeStudyOutcomes,
              (const analytics::v1::ComputeStudyOutcomesRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<analytics::v1::AnalyzeBaselinePredictorsResponse>,
              AnalyzeBaselinePredictors,
              (const analytics::v1::AnalyzeBaselinePredictorsRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<analytics::v1::RenderForestPlotResponse>,
              RenderForestPlot,
              (const analytics::v1::RenderForestPlotRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<analytics::v1::RenderFunnelPlotResponse>,
              RenderFunnelPlot,
              (const analytics::v1::RenderFunnelPlotRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<analytics::v1::RunMetaRegressionResponse>,
              RunMetaRegression,
              (const analytics::v1::RunMetaRegressionRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<analytics::v1::RunNetworkMetaAnalysisResponse>,
              RunNetworkMetaAnalysis,
              (const analytics::v1::RunNetworkMetaAnalysisRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<analytics::v1::ComputeDrugLibraryReportResponse>,
              ComputeDrugLibraryReport,
              (const analytics::v1::ComputeDrugLibraryReportRequest&,
               const CallOptions&),
              (override));
  MOCK_METHOD(void, ResetConnectionBackoff, (), (override));
};

class MockGatewayConnection : public GatewayConnection {
 public:
  MOCK_METHOD(absl::StatusOr<gateway::v1::ListQuarantineResponse>,
              ListQuarantine,
              (const gateway::v1::ListQuarantineRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(absl::StatusOr<gateway::v1::SendOrderResponse>, SendOrder,
              (const gateway::v1::SendOrderRequest&, const CallOptions&),
              (override));
  MOCK_METHOD(void, ResetConnectionBackoff, (), (override));
};

}  // namespace kip

#endif  // KIP_SDK_CPP_MOCKS_MOCK_CONNECTIONS_H_
