#include "sdk/c/typed_calls.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"

namespace kip::c_abi {
namespace {

namespace av1 = kip::analytics::v1;
namespace dv1 = kip::dosing::v1;
namespace sv1 = kip::sessions::v1;

// One row of the table: parse the request, call the typed method, serialize.
template <typename Connection, typename Request, typename Response>
std::pair<std::string, TypedCall> Row(
    const std::shared_ptr<Connection>& connection,
    absl::StatusOr<Response> (Connection::*method)(const Request&,
                                                   const CallOptions&),
    const char* service, const char* name) {
  TypedCall call =
      [connection, method](
          const std::string& bytes,
          const CallOptions& options) -> absl::StatusOr<std::string> {
    Request request;
    if (!request.ParseFromString(bytes)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "request: not a serialized ", Request::descriptor()->full_name()));
    }
    absl::StatusOr<Response> response =
        ((*connection).*method)(request, options);
    if (!response.ok()) return response.status();
    return response->SerializeAsString();
  };
  return {absl::StrCat("/", service, "/", name), std::move(call)};
}

}  // namespace

std::map<std::string, TypedCall> TypedCalls(
    std::shared_ptr<DosingConnection> dosing,
    std::shared_ptr<SessionLogConnection> sessions,
    std::shared_ptr<AnalyticsConnection> analytics) {
  constexpr char kDosing[] = "kip.dosing.v1.DosingService";
  constexpr char kSessions[] = "kip.sessions.v1.SessionLogService";
  constexpr char kAnalytics[] = "kip.analytics.v1.AnalyticsService";
  using D = DosingConnection;
  using S = SessionLogConnection;
  using A = AnalyticsConnection;
  return {
      Row(dosing, &D::ListProtocols, kDosing, "ListProtocols"),
      Row(dosing, &D::GetProtocol, kDosing, "GetProtocol"),
      Row(dosing, &D::PlanCourse, kDosing, "PlanCourse"),
      Row(dosing, &D::ValidateProgram, kDosing, "ValidateProgram"),
      Row(dosing, &D::ProposeTitration, kDosing, "ProposeTitration"),
      Row(dosing, &D::PredictConcentration, kDosing, "PredictConcentration"),
      Row(sessions, &S::CreateStudy, kSessions, "CreateStudy"),
      Row(sessions, &S::GetStudy, kSessions, "GetStudy"),
      Row(sessions, &S::ListStudies, kSessions, "ListStudies"),
      Row(sessions, &S::EnrollPatient, kSessions, "EnrollPatient"),
      Row(sessions, &S::GetPatient, kSessions, "GetPatient"),
      Row(sessions, &S::StartSession, kSessions, "StartSession"),
      Row(sessions, &S::GetSession, kSessions, "GetSession"),
      Row(sessions, &S::ListSessions, kSessions, "ListSessions"),
      Row(sessions, &S::AppendEvents, kSessions, "AppendEvents"),
      Row(sessions, &S::GetCumulativeDose, kSessions, "GetCumulativeDose"),
      Row(sessions, &S::VerifySession, kSessions, "VerifySession"),
      Row(sessions, &S::GetCheckpoint, kSessions, "GetCheckpoint"),
      Row(sessions, &S::GetInclusionProof, kSessions, "GetInclusionProof"),
      Row(sessions, &S::GetConsistencyProof, kSessions, "GetConsistencyProof"),
      Row(sessions, &S::ListReadAudit, kSessions, "ListReadAudit"),
      Row(sessions, &S::GetAllocationList, kSessions, "GetAllocationList"),
      Row(sessions, &S::UnblindPatient, kSessions, "UnblindPatient"),
      Row(sessions, &S::UnblindStudy, kSessions, "UnblindStudy"),
      Row(sessions, &S::VerifyAllocations, kSessions, "VerifyAllocations"),
      Row(sessions, &S::ListSafetyReports, kSessions, "ListSafetyReports"),
      Row(sessions, &S::SignRecords, kSessions, "SignRecords"),
      Row(sessions, &S::ListDeviations, kSessions, "ListDeviations"),
      Row(analytics, &A::RunMetaAnalysis, kAnalytics, "RunMetaAnalysis"),
      Row(analytics, &A::ComputeStudyOutcomes, kAnalytics,
          "ComputeStudyOutcomes"),
      Row(analytics, &A::AnalyzeBaselinePredictors, kAnalytics,
          "AnalyzeBaselinePredictors"),
      Row(analytics, &A::RenderForestPlot, kAnalytics, "RenderForestPlot"),
      Row(analytics, &A::RenderFunnelPlot, kAnalytics, "RenderFunnelPlot"),
      Row(analytics, &A::RunMetaRegression, kAnalytics, "RunMetaRegression"),
      Row(analytics, &A::RunNetworkMetaAnalysis, kAnalytics,
          "RunNetworkMetaAnalysis"),
      Row(analytics, &A::ComputeDrugLibraryReport, kAnalytics,
          "ComputeDrugLibraryReport"),
  };
}

std::vector<std::string> MissingUnaryMethods(
    const std::map<std::string, TypedCall>& calls) {
  std::vector<std::string> missing;
  // Each KIP proto file declares one service.
  for (const google::protobuf::ServiceDescriptor* service :
       {dv1::PlanCourseRequest::descriptor()->file()->service(0),
        sv1::AppendEventsRequest::descriptor()->file()->service(0),
        av1::RunMetaAnalysisRequest::descriptor()->file()->service(0)}) {
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      if (method->client_streaming() || method->server_streaming()) continue;
      const std::string name =
          absl::StrCat("/", service->full_name(), "/", method->name());
      if (calls.count(name) == 0) missing.push_back(name);
    }
  }
  return missing;
}

}  // namespace kip::c_abi
