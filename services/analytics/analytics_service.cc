#include "services/analytics/analytics_service.h"

#include "services/analytics/access_policy.h"
#include "services/analytics/meta/meta_analysis.h"
#include "services/analytics/plots/forest_plot.h"

namespace kip::analytics {

namespace v1 = kip::analytics::v1;

AnalyticsServiceImpl::AnalyticsServiceImpl(const Authenticator& authenticator)
    : guard_(authenticator, AnalyticsAccessPolicy()) {}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::RunMetaAnalysis(
    grpc::CallbackServerContext* context,
    const v1::RunMetaAnalysisRequest* request,
    v1::RunMetaAnalysisResponse* response) {
  return guard_.Unary(
      context, "RunMetaAnalysis", [&](const Principal&) -> absl::Status {
        if (!request->logged_studies().empty()) {
          return NotYetImplemented("RunMetaAnalysis with logged_studies",
                                   "issue #5");
        }
        absl::StatusOr<v1::RunMetaAnalysisResponse> result =
            kip::meta::RunMetaAnalysis(*request);
        if (!result.ok()) return result.status();
        *response = *std::move(result);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::ComputeStudyOutcomes(
    grpc::CallbackServerContext* context,
    const v1::ComputeStudyOutcomesRequest* /*request*/,
    v1::ComputeStudyOutcomesResponse* /*response*/) {
  return guard_.Unary(context, "ComputeStudyOutcomes", [](const Principal&) {
    return NotYetImplemented("ComputeStudyOutcomes", "issue #5");
  });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::AnalyzeBaselinePredictors(
    grpc::CallbackServerContext* context,
    const v1::AnalyzeBaselinePredictorsRequest* /*request*/,
    v1::AnalyzeBaselinePredictorsResponse* /*response*/) {
  return guard_.Unary(
      context, "AnalyzeBaselinePredictors", [](const Principal&) {
        return NotYetImplemented("AnalyzeBaselinePredictors", "issue #5");
      });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::RenderForestPlot(
    grpc::CallbackServerContext* context,
    const v1::RenderForestPlotRequest* request,
    v1::RenderForestPlotResponse* response) {
  return guard_.Unary(
      context, "RenderForestPlot", [&](const Principal&) -> absl::Status {
        absl::StatusOr<v1::RunMetaAnalysisResponse> result =
            kip::meta::RunMetaAnalysis(request->analysis());
        if (!result.ok()) return result.status();
        plots::PlotLabels labels;
        labels.title = request->title();
        if (!request->treatment_label().empty())
          labels.treatment_label = request->treatment_label();
        if (!request->control_label().empty())
          labels.control_label = request->control_label();
        response->set_svg(plots::ForestPlotSvg(*result, labels));
        *response->mutable_result() = *std::move(result);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::RenderFunnelPlot(
    grpc::CallbackServerContext* context,
    const v1::RenderFunnelPlotRequest* request,
    v1::RenderFunnelPlotResponse* response) {
  return guard_.Unary(
      context, "RenderFunnelPlot", [&](const Principal&) -> absl::Status {
        absl::StatusOr<v1::RunMetaAnalysisResponse> result =
            kip::meta::RunMetaAnalysis(request->analysis());
        if (!result.ok()) return result.status();
        response->set_svg(plots::FunnelPlotSvg(*result, request->title()));
        *response->mutable_result() = *std::move(result);
        return absl::OkStatus();
      });
}

}  // namespace kip::analytics
