#include "services/analytics/analytics_service.h"

#include "services/analytics/access_policy.h"
#include "services/analytics/meta/meta_analysis.h"
#include "services/analytics/meta/run_meta_regression.h"
#include "services/analytics/meta/run_network.h"
#include "services/analytics/plots/bubble_plot.h"
#include "services/analytics/plots/forest_plot.h"
#include "services/analytics/plots/network_plot.h"

namespace kip::analytics {

namespace v1 = kip::analytics::v1;

AnalyticsServiceImpl::AnalyticsServiceImpl(const Authenticator& authenticator,
                                           const SessionsReader* sessions)
    : guard_(authenticator, AnalyticsAccessPolicy()), sessions_(sessions) {}

absl::StatusOr<v1::ComputeStudyOutcomesResponse> AnalyticsServiceImpl::Outcomes(
    const v1::ComputeStudyOutcomesRequest& request,
    const std::string& token) const {
  if (request.study_id().empty())
    return absl::InvalidArgumentError("study_id: is required");
  if (sessions_ == nullptr) {
    return absl::UnavailableError(
        "no sessions service configured (--sessions_address)");
  }
  absl::StatusOr<std::vector<outcomes::LoggedPatient>> patients =
      sessions_->ReadStudy(request.study_id(), token);
  if (!patients.ok()) return patients.status();
  return outcomes::ComputeOutcomes(*patients, request);
}

absl::StatusOr<v1::RunMetaAnalysisRequest>
AnalyticsServiceImpl::WithLoggedStudies(
    const v1::RunMetaAnalysisRequest& request, const std::string& token) const {
  v1::RunMetaAnalysisRequest full = request;
  full.clear_logged_studies();
  for (int i = 0; i < request.logged_studies_size(); ++i) {
    const v1::LoggedStudyRef& ref = request.logged_studies(i);
    if (ref.treatment_arm_id().empty() || ref.control_arm_id().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("logged_studies[", i,
                       "]: treatment_arm_id and control_arm_id are required"));
    }
    v1::ComputeStudyOutcomesRequest outcome;
    outcome.set_study_id(ref.study_id());
    outcome.set_outcome(ref.outcome());
    outcome.set_treatment_arm_id(ref.treatment_arm_id());
    outcome.set_control_arm_id(ref.control_arm_id());
    // One band: the logged study as one comparison.
    v1::DoseBand* all = outcome.add_dose_bands();
    all->set_lower_mg_per_kg_per_h(0);
    absl::StatusOr<v1::ComputeStudyOutcomesResponse> rows =
        Outcomes(outcome, token);
    if (!rows.ok()) {
      return absl::Status(
          rows.status().code(),
          absl::StrCat("logged_studies[", i, "]: ", rows.status().message()));
    }
    for (v1::StudyData row : rows->rows()) {
      row.set_study(ref.study_id() + " (logged)");
      row.clear_subgroup();
      *full.add_studies() = std::move(row);
    }
  }
  return full;
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::RunMetaAnalysis(
    grpc::CallbackServerContext* context,
    const v1::RunMetaAnalysisRequest* request,
    v1::RunMetaAnalysisResponse* response) {
  return guard_.Unary(
      context, "RunMetaAnalysis", [&](const Principal&) -> absl::Status {
        absl::StatusOr<v1::RunMetaAnalysisRequest> full =
            WithLoggedStudies(*request, CallerBearerToken(context));
        if (!full.ok()) return full.status();
        absl::StatusOr<v1::RunMetaAnalysisResponse> result =
            kip::meta::RunMetaAnalysis(*full);
        if (!result.ok()) return result.status();
        *response = *std::move(result);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::ComputeStudyOutcomes(
    grpc::CallbackServerContext* context,
    const v1::ComputeStudyOutcomesRequest* request,
    v1::ComputeStudyOutcomesResponse* response) {
  return guard_.Unary(
      context, "ComputeStudyOutcomes", [&](const Principal&) -> absl::Status {
        absl::StatusOr<v1::ComputeStudyOutcomesResponse> result =
            Outcomes(*request, CallerBearerToken(context));
        if (!result.ok()) return result.status();
        *response = *std::move(result);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::AnalyzeBaselinePredictors(
    grpc::CallbackServerContext* context,
    const v1::AnalyzeBaselinePredictorsRequest* request,
    v1::AnalyzeBaselinePredictorsResponse* response) {
  return guard_.Unary(
      context, "AnalyzeBaselinePredictors",
      [&](const Principal&) -> absl::Status {
        if (request->study_id().empty())
          return absl::InvalidArgumentError("study_id: is required");
        if (sessions_ == nullptr) {
          return absl::UnavailableError(
              "no sessions service configured (--sessions_address)");
        }
        absl::StatusOr<std::vector<outcomes::LoggedPatient>> patients =
            sessions_->ReadStudy(request->study_id(),
                                 CallerBearerToken(context));
        if (!patients.ok()) return patients.status();
        absl::StatusOr<v1::AnalyzeBaselinePredictorsResponse> result =
            outcomes::AnalyzePredictors(*patients, *request);
        if (!result.ok()) return result.status();
        *response = *std::move(result);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::RenderForestPlot(
    grpc::CallbackServerContext* context,
    const v1::RenderForestPlotRequest* request,
    v1::RenderForestPlotResponse* response) {
  return guard_.Unary(
      context, "RenderForestPlot", [&](const Principal&) -> absl::Status {
        absl::StatusOr<v1::RunMetaAnalysisRequest> full =
            WithLoggedStudies(request->analysis(), CallerBearerToken(context));
        if (!full.ok()) return full.status();
        absl::StatusOr<v1::RunMetaAnalysisResponse> result =
            kip::meta::RunMetaAnalysis(*full);
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
        absl::StatusOr<v1::RunMetaAnalysisRequest> full =
            WithLoggedStudies(request->analysis(), CallerBearerToken(context));
        if (!full.ok()) return full.status();
        absl::StatusOr<v1::RunMetaAnalysisResponse> result =
            kip::meta::RunMetaAnalysis(*full);
        if (!result.ok()) return result.status();
        response->set_svg(plots::FunnelPlotSvg(*result, request->title()));
        *response->mutable_result() = *std::move(result);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::RunMetaRegression(
    grpc::CallbackServerContext* context,
    const v1::RunMetaRegressionRequest* request,
    v1::RunMetaRegressionResponse* response) {
  return guard_.Unary(context, "RunMetaRegression",
                      [&](const Principal&) -> absl::Status {
                        absl::StatusOr<v1::RunMetaRegressionResponse> result =
                            kip::meta::RunMetaRegression(*request);
                        if (!result.ok()) return result.status();
                        if (request->bubble_plot())
                          result->set_bubble_svg(
                              plots::BubblePlotSvg(*result, "Meta-regression"));
                        *response = *std::move(result);
                        return absl::OkStatus();
                      });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::RunNetworkMetaAnalysis(
    grpc::CallbackServerContext* context,
    const v1::RunNetworkMetaAnalysisRequest* request,
    v1::RunNetworkMetaAnalysisResponse* response) {
  return guard_.Unary(
      context, "RunNetworkMetaAnalysis", [&](const Principal&) -> absl::Status {
        absl::StatusOr<v1::RunNetworkMetaAnalysisResponse> result =
            kip::meta::RunNetworkMetaAnalysis(*request);
        if (!result.ok()) return result.status();
        if (request->league_svg())
          result->set_league_svg(plots::LeagueTableSvg(*result));
        if (request->graph_svg())
          result->set_graph_svg(plots::NetworkGraphSvg(*result));
        *response = *std::move(result);
        return absl::OkStatus();
      });
}

}  // namespace kip::analytics
