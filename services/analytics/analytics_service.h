// kip.analytics.v1.AnalyticsService adapter: request -> meta-analysis engine,
// status mapping. RPCs whose logic has not landed answer UNIMPLEMENTED.
#ifndef KIP_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
#define KIP_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_

#include "kip/analytics/v1/analytics.grpc.pb.h"
#include "services/common/authenticator.h"
#include "services/common/rpc_guard.h"

namespace kip::analytics {

class AnalyticsServiceImpl final
    : public kip::analytics::v1::AnalyticsService::CallbackService {
 public:
  explicit AnalyticsServiceImpl(const Authenticator& authenticator);

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

 private:
  RpcGuard guard_;
};

}  // namespace kip::analytics

#endif  // KIP_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
