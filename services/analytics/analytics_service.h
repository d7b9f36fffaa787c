// kip.analytics.v1.AnalyticsService adapter: requests -> the meta-analysis
// engine, the plots and the outcomes of trials logged in sessions (read as the
// caller); absl::Status -> gRPC status.
#ifndef KIP_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
#define KIP_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_

#include "kip/analytics/v1/analytics.grpc.pb.h"
#include "services/analytics/sessions_reader.h"
#include "services/common/authenticator.h"
#include "services/common/rpc_guard.h"

namespace kip::analytics {

class AnalyticsServiceImpl final
    : public kip::analytics::v1::AnalyticsService::CallbackService {
 public:
  // `sessions` may be null: then logged studies cannot be read (UNAVAILABLE).
  AnalyticsServiceImpl(const Authenticator& authenticator,
                       const SessionsReader* sessions);

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
  grpc::ServerUnaryReactor* RunNetworkMetaAnalysis(
      grpc::CallbackServerContext* context,
      const kip::analytics::v1::RunNetworkMetaAnalysisRequest* request,
      kip::analytics::v1::RunNetworkMetaAnalysisResponse* response) override;
  grpc::ServerUnaryReactor* RunMetaRegression(
      grpc::CallbackServerContext* context,
      const kip::analytics::v1::RunMetaRegressionRequest* request,
      kip::analytics::v1::RunMetaRegressionResponse* response) override;

 private:
  // Outcome rows of a logged study, read as the caller.
  absl::StatusOr<v1::ComputeStudyOutcomesResponse> Outcomes(
      const v1::ComputeStudyOutcomesRequest& request,
      const std::string& token) const;
  // The request with its logged studies turned into rows.
  absl::StatusOr<v1::RunMetaAnalysisRequest> WithLoggedStudies(
      const v1::RunMetaAnalysisRequest& request,
      const std::string& token) const;

  RpcGuard guard_;
  const SessionsReader* sessions_;
};

}  // namespace kip::analytics

#endif  // KIP_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
