package kip.sdk

import java.util.concurrent.Executor
import kip.analytics.v1.AnalyzeBaselinePredictorsRequest
import kip.analytics.v1.AnalyzeBaselinePredictorsResponse
import kip.analytics.v1.ComputeDrugLibraryReportRequest
import kip.analytics.v1.ComputeDrugLibraryReportResponse
import kip.analytics.v1.ComputeStudyOutcomesRequest
import kip.analytics.v1.ComputeStudyOutcomesResponse
import kip.analytics.v1.RenderForestPlotRequest
import kip.analytics.v1.RenderForestPlotResponse
import kip.analytics.v1.RenderFunnelPlotRequest
import kip.analytics.v1.RenderFunnelPlotResponse
import kip.analytics.v1.RunMetaAnalysisRequest
import kip.analytics.v1.RunMetaAnalysisResponse
import kip.analytics.v1.RunMetaRegressionRequest
import kip.analytics.v1.RunNetworkMetaAnalysisRequest
import kip.analytics.v1.RunNetworkMetaAnalysisResponse
import kip.analytics.v1.RunMetaRegressionResponse

/**
 * kip.analytics.v1.AnalyticsService: each RPC blocking (throws
 * [KipException]); the meta-analysis also asynchronous.
 */
class AnalyticsClient(private val connection: KipConnection) {
    /** Pooled effect, heterogeneity and per-study rows (RevMan/metafor conventions). */
    fun runMetaAnalysis(request: RunMetaAnalysisRequest): RunMetaAnalysisResponse =
        connection.call(method("RunMetaAnalysis"), request.toByteArray(), RunMetaAnalysisResponse::parseFrom)

    fun runMetaAnalysisAsync(request: RunMetaAnalysisRequest, executor: Executor,
                             callback: (Result<RunMetaAnalysisResponse>) -> Unit) =
        connection.callAsync(method("RunMetaAnalysis"), request.toByteArray(),
                             RunMetaAnalysisResponse::parseFrom, executor, callback)

    /** Per-arm outcomes of a study logged in the sessions service. */
    fun computeStudyOutcomes(request: ComputeStudyOutcomesRequest): ComputeStudyOutcomesResponse =
        connection.call(method("ComputeStudyOutcomes"), request.toByteArray(),
                        ComputeStudyOutcomesResponse::parseFrom)

    fun analyzeBaselinePredictors(request: AnalyzeBaselinePredictorsRequest): AnalyzeBaselinePredictorsResponse =
        connection.call(method("AnalyzeBaselinePredictors"), request.toByteArray(),
                        AnalyzeBaselinePredictorsResponse::parseFrom)

    /** A forest plot (SVG). */
    fun renderForestPlot(request: RenderForestPlotRequest): RenderForestPlotResponse =
        connection.call(method("RenderForestPlot"), request.toByteArray(), RenderForestPlotResponse::parseFrom)

    /** Meta-regression on study-level moderators, with predictions and a bubble plot (SVG). */
    fun runMetaRegression(request: RunMetaRegressionRequest): RunMetaRegressionResponse =
        connection.call(method("RunMetaRegression"), request.toByteArray(), RunMetaRegressionResponse::parseFrom)

    /** Network meta-analysis of arm-level data: league table, P-scores, inconsistency, plots. */
    fun runNetworkMetaAnalysis(request: RunNetworkMetaAnalysisRequest): RunNetworkMetaAnalysisResponse =
        connection.call(method("RunNetworkMetaAnalysis"), request.toByteArray(),
                        RunNetworkMetaAnalysisResponse::parseFrom)

    /** Drug-library quality of a logged study: alerts, overrides and hard-limit stops per 100 infusions. */
    fun computeDrugLibraryReport(request: ComputeDrugLibraryReportRequest): ComputeDrugLibraryReportResponse =
        connection.call(method("ComputeDrugLibraryReport"), request.toByteArray(),
                        ComputeDrugLibraryReportResponse::parseFrom)

    /** A funnel plot (SVG). */
    fun renderFunnelPlot(request: RenderFunnelPlotRequest): RenderFunnelPlotResponse =
        connection.call(method("RenderFunnelPlot"), request.toByteArray(), RenderFunnelPlotResponse::parseFrom)

    private fun method(name: String) = "/kip.analytics.v1.AnalyticsService/$name"
}
