#include "services/analytics/analytics_service.h"

#include "services/analytics/access_policy.h"

namespace kip::analytics {

namespace v1 = kip::analytics::v1;

AnalyticsServiceImpl::AnalyticsServiceImpl(const Authenticator& authenticator,
                                           const LoggedStudySource* logged)
    : guard_(authenticator, AnalyticsAccessPolicy()), core_(logged) {}

namespace {

// Runs `call` under the guard and moves its result into `response`.
template <typename Response, typename Call>
grpc::ServerUnaryReactor* Answer(RpcGuard& guard,
                                 grpc::CallbackServerContext* context,
                                 const char* method, Response* response,
                                 Call call) {
  return guard.Unary(context, method, [=](const Principal&) -> absl::Status {
    absl::StatusOr<Response> result = call();
    if (!result.ok()) return result.status();
    *response = *std::move(result);
    return absl::OkStatus();
  });
}

}  // namespace

grpc::ServerUnaryReactor* AnalyticsServiceImpl::RunMetaAnalysis(
    grpc::CallbackServerContext* context,
    const v1::RunMetaAnalysisRequest* request,
    v1::RunMetaAnalysisResponse* response) {
  return Answer(guard_, context, "RunMetaAnalysis", response, [=] {
    return core_.MetaAnalysis(*request, CallerBearerToken(context));
  });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::ComputeStudyOutcomes(
    grpc::CallbackServerContext* context,
    const v1::ComputeStudyOutcomesRequest* request,
    v1::ComputeStudyOutcomesResponse* response) {
  return Answer(guard_, context, "ComputeStudyOutcomes", response, [=] {
    return core_.Outcomes(*request, CallerBearerToken(context));
  });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::AnalyzeBaselinePredictors(
    grpc::CallbackServerContext* context,
    const v1::AnalyzeBaselinePredictorsRequest* request,
    v1::AnalyzeBaselinePredictorsResponse* response) {
  return Answer(guard_, context, "AnalyzeBaselinePredictors", response, [=] {
    return core_.BaselinePredictors(*request, CallerBearerToken(context));
  });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::RenderForestPlot(
    grpc::CallbackServerContext* context,
    const v1::RenderForestPlotRequest* request,
    v1::RenderForestPlotResponse* response) {
  return Answer(guard_, context, "RenderForestPlot", response, [=] {
    return core_.ForestPlot(*request, CallerBearerToken(context));
  });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::RenderFunnelPlot(
    grpc::CallbackServerContext* context,
    const v1::RenderFunnelPlotRequest* request,
    v1::RenderFunnelPlotResponse* response) {
  return Answer(guard_, context, "RenderFunnelPlot", response, [=] {
    return core_.FunnelPlot(*request, CallerBearerToken(context));
  });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::RunMetaRegression(
    grpc::CallbackServerContext* context,
    const v1::RunMetaRegressionRequest* request,
    v1::RunMetaRegressionResponse* response) {
  return Answer(guard_, context, "RunMetaRegression", response, [=] {
    return core_.MetaRegression(*request, CallerBearerToken(context));
  });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::RunNetworkMetaAnalysis(
    grpc::CallbackServerContext* context,
    const v1::RunNetworkMetaAnalysisRequest* request,
    v1::RunNetworkMetaAnalysisResponse* response) {
  return Answer(guard_, context, "RunNetworkMetaAnalysis", response,
                [=] { return core_.Network(*request); });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::ComputeDrugLibraryReport(
    grpc::CallbackServerContext* context,
    const v1::ComputeDrugLibraryReportRequest* request,
    v1::ComputeDrugLibraryReportResponse* response) {
  return Answer(guard_, context, "ComputeDrugLibraryReport", response, [=] {
    return core_.DrugLibraryReport(*request, CallerBearerToken(context));
  });
}

}  // namespace kip::analytics
