// kip.analytics.v1.AnalyticsService adapter: each RPC, after the access
// policy, is one call of the analytics core (services/analytics/core), with
// the caller's token for logged studies; absl::Status -> gRPC status.
#ifndef KIP_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
#define KIP_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_

#include "kip/analytics/v1/analytics.grpc.pb.h"
#include "services/analytics/core/analytics_core.h"
#include "services/common/authenticator.h"
#include "services/common/rpc_guard.h"

namespace kip::analytics {

class AnalyticsServiceImpl final
    : public kip::analytics::v1::AnalyticsService::CallbackService {
 public:
  // `logged` may be null: then logged studies cannot be read (UNAVAILABLE).
  AnalyticsServiceImpl(const Authenticator& authenticator,
                       const LoggedStudySource* logged);

  grpc::ServerUnaryReactor* RunMetaAnalysis(
      grpc::CallbackServerContext* context,
      const kip::analytics::v1::RunMetaAnalysisRequest* request,
      kip::analytics::v1::RunMetaAnalysisResponse* response) override;
  grpc::ServerUnaryReactor* ComputeStudyOutcomes(
      grpc::CallbackServerContext* context,
      const kip::analytics::v1::ComputeStudyOutcomesRequest* request,
      kip::analytics::v1::ComputeStudyOutcomesResponse* response) override;
  grpc::ServerUnaryReactor* AnalyzeBaselinePredictors(
      grpc::CallbackServerContext* context,
      const kip::analytics::v1::AnalyzeBaselinePredictorsRequest* request,
      kip::analytics::v1::AnalyzeBaselinePredictorsResponse* response) override;
  grpc::ServerUnaryReactor* RenderForestPlot(
      grpc::CallbackServerContext* context,
      const kip::analytics::v1::RenderForestPlotRequest* request,
      kip::analytics::v1::RenderForestPlotResponse* response) override;
  grpc::ServerUnaryReactor* RenderFunnelPlot(
      grpc::CallbackServerContext* context,
      const kip::analytics::v1::RenderFunnelPlotRequest* request,
      kip::analytics::v1::RenderFunnelPlotResponse* response) override;
  grpc::ServerUnaryReactor* ComputeDrugLibraryReport(
      grpc::CallbackServerContext* context,
      const kip::analytics::v1::ComputeDrugLibraryReportRequest* request,
      kip::analytics::v1::ComputeDrugLibraryReportResponse* response) override;
  grpc::ServerUnaryReactor* RunNetworkMetaAnalysis(
      grpc::CallbackServerContext* context,
      const kip::analytics::v1::RunNetworkMetaAnalysisRequest* request,
      kip::analytics::v1::RunNetworkMetaAnalysisResponse* response) override;
  grpc::ServerUnaryReactor* RunMetaRegression(
      grpc::CallbackServerContext* context,
      const kip::analytics::v1::RunMetaRegressionRequest* request,
      kip::analytics::v1::RunMetaRegressionResponse* response) override;

 private:
  RpcGuard guard_;
  AnalyticsCore core_;
};

}  // namespace kip::analytics

#endif  // KIP_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
