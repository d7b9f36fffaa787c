#include "sdk/cpp/analytics_client.h"

#include "kip/analytics/v1/analytics.grpc.pb.h"
#include "sdk/cpp/call.h"
#include "sdk/cpp/retry_policy.h"

namespace kip {
namespace {

class GrpcAnalyticsConnection final : public AnalyticsConnection {
 public:
  GrpcAnalyticsConnection(ConnectionOptions options,
                          std::set<std::string> retried)
      : options_(std::move(options)),
        channel_(MakeChannel(
            options_, analytics::v1::AnalyticsService::service_full_name(),
            retried)),
        stub_(analytics::v1::AnalyticsService::NewStub(channel_)) {}
  void ResetConnectionBackoff() override {
    grpc::experimental::ChannelResetConnectionBackoff(channel_.get());
  }

  absl::StatusOr<analytics::v1::RunMetaAnalysisResponse> RunMetaAnalysis(
      const analytics::v1::RunMetaAnalysisRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::RunMetaAnalysis, request);
  }
  absl::StatusOr<analytics::v1::ComputeStudyOutcomesResponse>
  ComputeStudyOutcomes(
      const analytics::v1::ComputeStudyOutcomesRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::ComputeStudyOutcomes,
                 request);
  }
  absl::StatusOr<analytics::v1::AnalyzeBaselinePredictorsResponse>
  AnalyzeBaselinePredictors(
      const analytics::v1::AnalyzeBaselinePredictorsRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::AnalyzeBaselinePredictors,
                 request);
  }
  absl::StatusOr<analytics::v1::RenderForestPlotResponse> RenderForestPlot(
      const analytics::v1::RenderForestPlotRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::RenderForestPlot, request);
  }
  absl::StatusOr<analytics::v1::RenderFunnelPlotResponse> RenderFunnelPlot(
      const analytics::v1::RenderFunnelPlotRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::RenderFunnelPlot, request);
  }
  absl::StatusOr<analytics::v1::RunMetaRegressionResponse> RunMetaRegression(
      const analytics::v1::RunMetaRegressionRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::RunMetaRegression,
                 request);
  }
  absl::StatusOr<analytics::v1::RunNetworkMetaAnalysisResponse>
  RunNetworkMetaAnalysis(
      const analytics::v1::RunNetworkMetaAnalysisRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::RunNetworkMetaAnalysis,
                 request);
  }
  absl::StatusOr<analytics::v1::ComputeDrugLibraryReportResponse>
  ComputeDrugLibraryReport(
      const analytics::v1::ComputeDrugLibraryReportRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::ComputeDrugLibraryReport,
                 request);
  }

 private:
  using Stub = analytics::v1::AnalyticsService::Stub;
  ConnectionOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace

std::shared_ptr<AnalyticsConnection> MakeAnalyticsConnection(
    ConnectionOptions options) {
  return std::make_shared<GrpcAnalyticsConnection>(
      std::move(options),
      RetriedMethods(analytics::v1::AnalyticsService::service_full_name()));
}

absl::StatusOr<std::shared_ptr<AnalyticsConnection>> MakeAnalyticsConnection(
    ConnectionOptions options, const std::set<std::string>& retried_methods) {
  absl::Status known = CheckMethodsExist(
      analytics::v1::AnalyticsService::service_full_name(), retried_methods);
  if (!known.ok()) return known;
  return std::make_shared<GrpcAnalyticsConnection>(std::move(options),
                                                   retried_methods);
}

}  // namespace kip
