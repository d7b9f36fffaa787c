#include "services/analytics/core/analytics_core.h"

#include "absl/strings/str_cat.h"
#include "services/analytics/meta/meta_analysis.h"
#include "services/analytics/meta/run_meta_regression.h"
#include "services/analytics/meta/run_network.h"
#include "services/analytics/plots/bubble_plot.h"
#include "services/analytics/plots/case_plots.h"
#include "services/analytics/plots/cqi_chart.h"
#include "services/analytics/plots/forest_plot.h"
#include "services/analytics/plots/network_plot.h"
#include "services/analytics/quality/drug_library_report.h"

namespace kip::analytics {

absl::StatusOr<std::vector<outcomes::LoggedPatient>> AnalyticsCore::ReadStudy(
    const std::string& study_id, const std::string& token) const {
  if (logged_ == nullptr) {
    return absl::UnavailableError(
        "no sessions service configured (--sessions_address)");
  }
  return logged_->ReadStudy(study_id, token);
}

absl::StatusOr<v1::ComputeStudyOutcomesResponse> AnalyticsCore::Outcomes(
    const v1::ComputeStudyOutcomesRequest& request,
    const std::string& token) const {
  if (request.study_id().empty())
    return absl::InvalidArgumentError("study_id: is required");
  absl::StatusOr<std::vector<outcomes::LoggedPatient>> patients =
      ReadStudy(request.study_id(), token);
  if (!patients.ok()) return patients.status();
  return outcomes::ComputeOutcomes(*patients, request);
}

absl::StatusOr<v1::ComputeDrugLibraryReportResponse>
AnalyticsCore::DrugLibraryReport(
    const v1::ComputeDrugLibraryReportRequest& request,
    const std::string& token) const {
  if (request.study_id().empty())
    return absl::InvalidArgumentError("study_id: is required");
  if (absl::Status s = quality::CheckReportRequest(request); !s.ok()) return s;
  absl::StatusOr<std::vector<outcomes::LoggedPatient>> patients =
      ReadStudy(request.study_id(), token);
  if (!patients.ok()) return patients.status();
  absl::StatusOr<v1::ComputeDrugLibraryReportResponse> report =
      quality::ComputeDrugLibraryReport(*patients, request);
  if (report.ok() && request.render_svg()) {
    report->set_svg(plots::CqiChartSvg(
        *report, absl::StrCat("Drug-library alerts, ", request.study_id(), ", ",
                              report->first_month(), "..", report->last_month(),
                              " (UTC)")));
  }
  return report;
}

absl::StatusOr<std::vector<v1::StudyData>> AnalyticsCore::LoggedRows(
    const google::protobuf::RepeatedPtrField<v1::LoggedStudyRef>& refs,
    bool by_dose_band, const std::string& token) const {
  std::vector<v1::StudyData> out;
  for (int i = 0; i < refs.size(); ++i) {
    const v1::LoggedStudyRef& ref = refs[i];
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
    if (by_dose_band) {
      *outcome.mutable_dose_bands() = ref.dose_bands();  // empty: the defaults
    } else {
      // One band: the logged study as one comparison.
      outcome.add_dose_bands()->set_lower_mg_per_kg_per_h(0);
    }
    absl::StatusOr<v1::ComputeStudyOutcomesResponse> rows =
        Outcomes(outcome, token);
    if (!rows.ok()) {
      return absl::Status(
          rows.status().code(),
          absl::StrCat("logged_studies[", i, "]: ", rows.status().message()));
    }
    for (v1::StudyData row : rows->rows()) {
      if (!by_dose_band) row.set_study(ref.study_id() + " (logged)");
      row.clear_subgroup();
      out.push_back(std::move(row));
    }
  }
  return out;
}

absl::StatusOr<v1::RunMetaAnalysisRequest> AnalyticsCore::WithLoggedStudies(
    const v1::RunMetaAnalysisRequest& request, const std::string& token) const {
  absl::StatusOr<std::vector<v1::StudyData>> rows =
      LoggedRows(request.logged_studies(), false, token);
  if (!rows.ok()) return rows.status();
  v1::RunMetaAnalysisRequest full = request;
  full.clear_logged_studies();
  for (v1::StudyData& row : *rows) *full.add_studies() = std::move(row);
  return full;
}

absl::StatusOr<v1::RunMetaAnalysisResponse> AnalyticsCore::MetaAnalysis(
    const v1::RunMetaAnalysisRequest& request, const std::string& token) const {
  absl::StatusOr<v1::RunMetaAnalysisRequest> full =
      WithLoggedStudies(request, token);
  if (!full.ok()) return full.status();
  absl::StatusOr<v1::RunMetaAnalysisResponse> result =
      kip::meta::RunMetaAnalysis(*full);
  if (!result.ok()) return result.status();
  if (request.options().baujat_plot())
    result->set_baujat_svg(plots::BaujatPlotSvg(*result));
  if (request.options().labbe_plot())
    result->set_labbe_svg(plots::LabbePlotSvg(*result));
  return result;
}

absl::StatusOr<v1::AnalyzeBaselinePredictorsResponse>
AnalyticsCore::BaselinePredictors(
    const v1::AnalyzeBaselinePredictorsRequest& request,
    const std::string& token) const {
  if (request.study_id().empty())
    return absl::InvalidArgumentError("study_id: is required");
  absl::StatusOr<std::vector<outcomes::LoggedPatient>> patients =
      ReadStudy(request.study_id(), token);
  if (!patients.ok()) return patients.status();
  return outcomes::AnalyzePredictors(*patients, request);
}

absl::StatusOr<v1::RenderForestPlotResponse> AnalyticsCore::ForestPlot(
    const v1::RenderForestPlotRequest& request,
    const std::string& token) const {
  absl::StatusOr<v1::RunMetaAnalysisResponse> result =
      MetaAnalysis(request.analysis(), token);
  if (!result.ok()) return result.status();
  plots::PlotLabels labels;
  labels.title = request.title();
  if (!request.treatment_label().empty())
    labels.treatment_label = request.treatment_label();
  if (!request.control_label().empty())
    labels.control_label = request.control_label();
  v1::RenderForestPlotResponse response;
  response.set_svg(plots::ForestPlotSvg(*result, labels));
  *response.mutable_result() = *std::move(result);
  return response;
}

absl::StatusOr<v1::RenderFunnelPlotResponse> AnalyticsCore::FunnelPlot(
    const v1::RenderFunnelPlotRequest& request,
    const std::string& token) const {
  absl::StatusOr<v1::RunMetaAnalysisResponse> result =
      MetaAnalysis(request.analysis(), token);
  if (!result.ok()) return result.status();
  v1::RenderFunnelPlotResponse response;
  response.set_svg(plots::FunnelPlotSvg(*result, request.title()));
  *response.mutable_result() = *std::move(result);
  return response;
}

absl::StatusOr<v1::RunMetaRegressionResponse> AnalyticsCore::MetaRegression(
    const v1::RunMetaRegressionRequest& request,
    const std::string& token) const {
  absl::StatusOr<std::vector<v1::StudyData>> rows =
      LoggedRows(request.logged_studies(), true, token);
  if (!rows.ok()) return rows.status();
  v1::RunMetaRegressionRequest full = request;
  full.clear_logged_studies();
  for (v1::StudyData& row : *rows) *full.add_studies() = std::move(row);
  absl::StatusOr<v1::RunMetaRegressionResponse> result =
      kip::meta::RunMetaRegression(full);
  if (!result.ok()) return result.status();
  if (request.bubble_plot())
    result->set_bubble_svg(plots::BubblePlotSvg(*result, "Meta-regression"));
  return result;
}

absl::StatusOr<v1::RunNetworkMetaAnalysisResponse> AnalyticsCore::Network(
    const v1::RunNetworkMetaAnalysisRequest& request) const {
  absl::StatusOr<v1::RunNetworkMetaAnalysisResponse> result =
      kip::meta::RunNetworkMetaAnalysis(request);
  if (!result.ok()) return result.status();
  if (request.league_svg())
    result->set_league_svg(plots::LeagueTableSvg(*result));
  if (request.graph_svg())
    result->set_graph_svg(plots::NetworkGraphSvg(*result));
  return result;
}

}  // namespace kip::analytics
