// The AnalyticsService client of the KIP SDK: AnalyticsConnection (one virtual
// per RPC, written out; gMock version in sdk/cpp/mocks) and AnalyticsClient,
// which forwards each call with its per-call options. Shaped like
// google-cloud-cpp; no exceptions cross the API; thread-safe, no global state.
#ifndef KIP_SDK_CPP_ANALYTICS_CLIENT_H_
#define KIP_SDK_CPP_ANALYTICS_CLIENT_H_

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kip/analytics/v1/analytics.pb.h"
#include "sdk/cpp/connection_options.h"

namespace kip {

// kip.analytics.v1.AnalyticsService: one virtual per RPC; MakeXConnection gives
// the gRPC one, sdk/cpp/mocks a gMock one.
class AnalyticsConnection {
 public:
  virtual ~AnalyticsConnection() = default;
  // The network is back: reconnect now rather than after gRPC's backoff.
  virtual void ResetConnectionBackoff() {}

  // Pools the studies in the request (and, optionally, logged studies).
  virtual absl::StatusOr<analytics::v1::RunMetaAnalysisResponse>
  RunMetaAnalysis(const analytics::v1::RunMetaAnalysisRequest& request,
                  const CallOptions& call) = 0;
  // Per-arm outcomes of a study logged in the sessions service.
  virtual absl::StatusOr<analytics::v1::ComputeStudyOutcomesResponse>
  ComputeStudyOutcomes(
      const analytics::v1::ComputeStudyOutcomesRequest& request,
      const CallOptions& call) = 0;
  // Association of baseline QST with response (logistic regression).
  virtual absl::StatusOr<analytics::v1::AnalyzeBaselinePredictorsResponse>
  AnalyzeBaselinePredictors(
      const analytics::v1::AnalyzeBaselinePredictorsRequest& request,
      const CallOptions& call) = 0;
  // Forest plot of a meta-analysis, standalone SVG.
  virtual absl::StatusOr<analytics::v1::RenderForestPlotResponse>
  RenderForestPlot(const analytics::v1::RenderForestPlotRequest& request,
                   const CallOptions& call) = 0;
  // Funnel plot of a meta-analysis, standalone SVG.
  virtual absl::StatusOr<analytics::v1::RenderFunnelPlotResponse>
  RenderFunnelPlot(const analytics::v1::RenderFunnelPlotRequest& request,
                   const CallOptions& call) = 0;
  // Meta-regression on study-level moderators, with predictions and a
  // bubble plot.
  virtual absl::StatusOr<analytics::v1::RunMetaRegressionResponse>
  RunMetaRegression(const analytics::v1::RunMetaRegressionRequest& request,
                    const CallOptions& call) = 0;
  // Network meta-analysis of arm-level data: league table, P-scores,
  // inconsistency test, plots.
  virtual absl::StatusOr<analytics::v1::RunNetworkMetaAnalysisResponse>
  RunNetworkMetaAnalysis(
      const analytics::v1::RunNetworkMetaAnalysisRequest& request,
      const CallOptions& call) = 0;
  // Drug-library quality of a logged study (CQI): infusions, alerts,
  // overrides and hard-limit stops per 100 infusions.
  virtual absl::StatusOr<analytics::v1::ComputeDrugLibraryReportResponse>
  ComputeDrugLibraryReport(
      const analytics::v1::ComputeDrugLibraryReportRequest& request,
      const CallOptions& call) = 0;
};

// The gRPC connection to AnalyticsService, retrying UNAVAILABLE on the methods
// the retry policy names (sdk/cpp/retry_policy.h).
std::shared_ptr<AnalyticsConnection> MakeAnalyticsConnection(
    ConnectionOptions options);
// As above with the retried methods given; they must be methods of the
// service (InvalidArgument otherwise).
absl::StatusOr<std::shared_ptr<AnalyticsConnection>> MakeAnalyticsConnection(
    ConnectionOptions options, const std::set<std::string>& retried_methods);

// The AnalyticsService client: each method forwards to the connection with the
// call's options (deadline, token, metadata), defaulting to the connection's.
class AnalyticsClient {
 public:
  explicit AnalyticsClient(std::shared_ptr<AnalyticsConnection> connection)
      : connection_(std::move(connection)) {}

  // Pools the studies in the request (and, optionally, logged studies).
  absl::StatusOr<analytics::v1::RunMetaAnalysisResponse> RunMetaAnalysis(
      const analytics::v1::RunMetaAnalysisRequest& request,
      const CallOptions& call = {}) {
    return connection_->RunMetaAnalysis(request, call);
  }
  // Per-arm outcomes of a study logged in the sessions service.
  absl::StatusOr<analytics::v1::ComputeStudyOutcomesResponse>
  ComputeStudyOutcomes(
      const analytics::v1::ComputeStudyOutcomesRequest& request,
      const CallOptions& call = {}) {
    return connection_->ComputeStudyOutcomes(request, call);
  }
  // Association of baseline QST with response (logistic regression).
  absl::StatusOr<analytics::v1::AnalyzeBaselinePredictorsResponse>
  AnalyzeBaselinePredictors(
      const analytics::v1::AnalyzeBaselinePredictorsRequest& request,
      const CallOptions& call = {}) {
    return connection_->AnalyzeBaselinePredictors(request, call);
  }
  // Forest plot of a meta-analysis, standalone SVG.
  absl::StatusOr<analytics::v1::RenderForestPlotResponse> RenderForestPlot(
      const analytics::v1::RenderForestPlotRequest& request,
      const CallOptions& call = {}) {
    return connection_->RenderForestPlot(request, call);
  }
  // Funnel plot of a meta-analysis, standalone SVG.
  absl::StatusOr<analytics::v1::RenderFunnelPlotResponse> RenderFunnelPlot(
      const analytics::v1::RenderFunnelPlotRequest& request,
      const CallOptions& call = {}) {
    return connection_->RenderFunnelPlot(request, call);
  }
  // Meta-regression on study-level moderators, with predictions and a
  // bubble plot.
  absl::StatusOr<analytics::v1::RunMetaRegressionResponse> RunMetaRegression(
      const analytics::v1::RunMetaRegressionRequest& request,
      const CallOptions& call = {}) {
    return connection_->RunMetaRegression(request, call);
  }
  // Network meta-analysis of arm-level data: league table, P-scores,
  // inconsistency test, plots.
  absl::StatusOr<analytics::v1::RunNetworkMetaAnalysisResponse>
  RunNetworkMetaAnalysis(
      const analytics::v1::RunNetworkMetaAnalysisRequest& request,
      const CallOptions& call = {}) {
    return connection_->RunNetworkMetaAnalysis(request, call);
  }
  // Drug-library quality of a logged study: infusions, alerts, overrides and
  // hard-limit stops per 100 infusions by month, site, care area, protocol.
  absl::StatusOr<analytics::v1::ComputeDrugLibraryReportResponse>
  ComputeDrugLibraryReport(
      const analytics::v1::ComputeDrugLibraryReportRequest& request,
      const CallOptions& call = {}) {
    return connection_->ComputeDrugLibraryReport(request, call);
  }

 private:
  std::shared_ptr<AnalyticsConnection> connection_;
};

}  // namespace kip

#endif  // KIP_SDK_CPP_ANALYTICS_CLIENT_H_
