// The analytics core: one orchestrator behind every AnalyticsService RPC.
// It turns logged studies (through LoggedStudySource, as the caller) into
// rows, runs the meta-analysis, meta-regression and network engines and
// renders the plots. No gRPC: the service adapter only maps status codes.
#ifndef KIP_SERVICES_ANALYTICS_CORE_ANALYTICS_CORE_H_
#define KIP_SERVICES_ANALYTICS_CORE_ANALYTICS_CORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "kip/analytics/v1/analytics.pb.h"
#include "services/analytics/core/logged_study_source.h"

namespace kip::analytics {

class AnalyticsCore {
 public:
  // `logged` may be null: logged studies are then UNAVAILABLE.
  explicit AnalyticsCore(const LoggedStudySource* logged) : logged_(logged) {}

  // `token`: the caller's bearer token, for reading logged studies as them.
  absl::StatusOr<v1::RunMetaAnalysisResponse> MetaAnalysis(
      const v1::RunMetaAnalysisRequest& request,
      const std::string& token) const;
  absl::StatusOr<v1::ComputeStudyOutcomesResponse> Outcomes(
      const v1::ComputeStudyOutcomesRequest& request,
      const std::string& token) const;
  absl::StatusOr<v1::AnalyzeBaselinePredictorsResponse> BaselinePredictors(
      const v1::AnalyzeBaselinePredictorsRequest& request,
      const std::string& token) const;
  absl::StatusOr<v1::RenderForestPlotResponse> ForestPlot(
      const v1::RenderForestPlotRequest& request,
      const std::string& token) const;
  absl::StatusOr<v1::RenderFunnelPlotResponse> FunnelPlot(
      const v1::RenderFunnelPlotRequest& request,
      const std::string& token) const;
  absl::StatusOr<v1::RunMetaRegressionResponse> MetaRegression(
      const v1::RunMetaRegressionRequest& request,
      const std::string& token) const;
  absl::StatusOr<v1::RunNetworkMetaAnalysisResponse> Network(
      const v1::RunNetworkMetaAnalysisRequest& request) const;
  absl::StatusOr<v1::ComputeDrugLibraryReportResponse> DrugLibraryReport(
      const v1::ComputeDrugLibraryReportRequest& request,
      const std::string& token) const;

 private:
  absl::StatusOr<std::vector<outcomes::LoggedPatient>> ReadStudy(
      const std::string& study_id, const std::string& token) const;
  // Rows of logged studies: one comparison each, or one per dose band of the
  // treatment arm (with the dose received as a moderator).
  absl::StatusOr<std::vector<v1::StudyData>> LoggedRows(
      const google::protobuf::RepeatedPtrField<v1::LoggedStudyRef>& refs,
      bool by_dose_band, const std::string& token) const;
  // The request with its logged studies turned into rows.
  absl::StatusOr<v1::RunMetaAnalysisRequest> WithLoggedStudies(
      const v1::RunMetaAnalysisRequest& request,
      const std::string& token) const;

  const LoggedStudySource* logged_;
};

}  // namespace kip::analytics

#endif  // KIP_SERVICES_ANALYTICS_CORE_ANALYTICS_CORE_H_
