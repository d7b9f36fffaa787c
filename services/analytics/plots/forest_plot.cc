#include "services/analytics/plots/forest_plot.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/analytics/meta/prepared_study.h"
#include "services/analytics/plots/svg.h"

namespace kip::plots {
namespace {

namespace av1 = kip::analytics::v1;
using kip::meta::IsRatio;

}  // namespace

std::string ForestPlotSvg(const av1::RunMetaAnalysisResponse& result,
                          const PlotLabels& labels) {
  const av1::EffectMeasure measure = result.options().measure();
  const bool log = IsRatio(measure);
  const double null_value = log ? 1 : 0;
  double lo = null_value, hi = null_value;
  auto extend = [&](double v) {
    if (std::isfinite(v) && (!log || v > 0))
      lo = std::min(lo, v), hi = std::max(hi, v);
  };
  for (const auto& s : result.studies()) {
    if (!s.excluded()) extend(s.ci_lower()), extend(s.ci_upper());
  }
  extend(result.overall().ci_lower());
  extend(result.overall().ci_upper());
  if (log) {
    lo = std::max(lo, 1e-3), hi = std::min(hi, 1e3);
    lo /= 1.1, hi *= 1.1;
    // Room on both sides of the null line for the "favours" labels.
    const double span = std::log(hi) - std::log(lo);
    lo = std::min(lo, std::exp(-0.3 * span));
    hi = std::max(hi, std::exp(0.3 * span));
  } else {
    const double pad = (hi - lo) * 0.05 + 1e-9;
    lo -= pad, hi += pad;
    const double span = hi - lo;
    lo = std::min(lo, null_value - 0.3 * span);
    hi = std::max(hi, null_value + 0.3 * span);
  }
  // Columns start after the widest label, measured in the plot's font.
  double label_width = TextWidth("Total (random effects)", 13, true);
  for (const auto& st : result.studies())
    label_width = std::max(label_width, TextWidth(st.study(), 13));
  const double estimate_x = std::max(300.0, 10 + label_width + 24);
  const double weight_x = estimate_x + 180;
  const double plot_x0 = weight_x + 80, plot_x1 = plot_x0 + 370;
  const double width = plot_x1 + 30, row_h = 22, top = 70;
  const int rows = result.studies_size() + 2;
  const double height = top + rows * row_h + 110;
  const Axis axis(log, lo, hi, plot_x0, plot_x1);
  double max_weight = 0;
  for (const auto& s : result.studies())
    max_weight = std::max(max_weight, s.weight_percent());

  std::string svg = absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
      "xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
      "font-family=\"Helvetica, Arial, "
      "sans-serif\" font-size=\"13\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n",
      width, height, width, height);
  absl::StrAppend(
      &svg, "<text x=\"10\" y=\"26\" font-size=\"16\" font-weight=\"bold\">",
      Escape(labels.title.empty() ? "Forest plot" : labels.title), "</text>\n");
  const std::string measure_name = av1::EffectMeasure_Name(measure);
  absl::StrAppend(
      &svg,
      absl::StrFormat(
          "<g font-weight=\"bold\"><text x=\"10\" y=\"%.0f\">Study</text><text "
          "x=\"%.0f\" y=\"%.0f\">"
          "%s [95%% CI]</text><text x=\"%.0f\" y=\"%.0f\">Weight</text></g>\n",
          top - 14, estimate_x, top - 14, measure_name, weight_x, top - 14));
  double y = top;
  for (const auto& s : result.studies()) {
    y += row_h;
    absl::StrAppend(
        &svg, absl::StrFormat("<text x=\"10\" y=\"%.1f\">%s</text>\n", y + 4,
                              Escape(s.study())));
    if (s.excluded()) {
      absl::StrAppend(
          &svg,
          absl::StrFormat("<text x=\"%.0f\" y=\"%.1f\">Not estimable</text>\n",
                          estimate_x, y + 4));
      continue;
    }
    absl::StrAppend(
        &svg, absl::StrFormat(
                  "<text x=\"%.0f\" y=\"%.1f\">%s [%s, %s]</text><text "
                  "x=\"%.0f\" y=\"%.1f\">%.1f%%</text>\n",
                  estimate_x, y + 4, Num(s.estimate()), Num(s.ci_lower()),
                  Num(s.ci_upper()), weight_x, y + 4, s.weight_percent()));
    absl::StrAppend(
        &svg,
        absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        "stroke=\"black\"/>\n",
                        axis.X(s.ci_lower()), y, axis.X(s.ci_upper()), y));
    const double side =
        4 + 12 * std::sqrt(s.weight_percent() / std::max(max_weight, 1e-9));
    absl::StrAppend(
        &svg, absl::StrFormat("<rect class=\"study\" x=\"%.1f\" y=\"%.1f\" "
                              "width=\"%.1f\" height=\"%.1f\" "
                              "fill=\"#1f4e79\"/>\n",
                              axis.X(s.estimate()) - side / 2, y - side / 2,
                              side, side));
  }
  // The pooled diamond.
  y += row_h * 1.5;
  const auto& o = result.overall();
  const std::string model = result.options().model() == av1::RANDOM_EFFECTS
                                ? "Total (random effects)"
                                : "Total (fixed effect)";
  absl::StrAppend(
      &svg,
      absl::StrFormat(
          "<g font-weight=\"bold\"><text x=\"10\" y=\"%.1f\">%s</text><text "
          "x=\"%.0f\" y=\"%.1f\">%s "
          "[%s, %s]</text><text x=\"%.0f\" y=\"%.1f\">100.0%%</text></g>\n",
          y + 4, model, estimate_x, y + 4, Num(o.estimate()), Num(o.ci_lower()),
          Num(o.ci_upper()), weight_x, y + 4));
  absl::StrAppend(
      &svg,
      absl::StrFormat("<polygon class=\"pooled\" points=\"%.1f,%.1f %.1f,%.1f "
                      "%.1f,%.1f %.1f,%.1f\" "
                      "fill=\"black\"/>\n",
                      axis.X(o.ci_lower()), y, axis.X(o.estimate()), y - 7,
                      axis.X(o.ci_upper()), y, axis.X(o.estimate()), y + 7));
  // Null line and axis.
  const double axis_y = y + row_h;
  absl::StrAppend(
      &svg,
      absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                      "stroke=\"#555\" "
                      "stroke-dasharray=\"4 3\"/>\n",
                      axis.X(null_value), top + 6, axis.X(null_value), axis_y));
  absl::StrAppend(&svg,
                  absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                                  "y2=\"%.1f\" stroke=\"black\"/>\n",
                                  plot_x0, axis_y, plot_x1, axis_y));
  for (double t : axis.Ticks()) {
    absl::StrAppend(
        &svg,
        absl::StrFormat(
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"black\"/><text x=\"%.1f\" "
            "y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%g</text>\n",
            axis.X(t), axis_y, axis.X(t), axis_y + 5, axis.X(t), axis_y + 18,
            t));
  }
  absl::StrAppend(
      &svg,
      absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                      "font-size=\"11\">%s</text><text x=\"%.1f\" "
                      "y=\"%.1f\" font-size=\"11\">%s</text>\n",
                      axis.X(null_value) - 6, axis_y + 34,
                      Escape(labels.treatment_label), axis.X(null_value) + 6,
                      axis_y + 34, Escape(labels.control_label)));
  absl::StrAppend(
      &svg,
      absl::StrFormat(
          "<text x=\"10\" y=\"%.1f\" font-size=\"12\">Heterogeneity: Tau\u00b2 "
          "= %.4g; "
          "Chi\u00b2 = %.2f, df = %d (P = %.3g); I\u00b2 = %.0f%%</text>\n",
          axis_y + 58, o.tau2(), o.q(), o.q_df(), o.q_p_value(), o.i2()));
  absl::StrAppend(
      &svg,
      absl::StrFormat("<text x=\"10\" y=\"%.1f\" font-size=\"12\">Test for "
                      "overall effect: %s = %.2f (P = %.3g)"
                      "</text>\n</svg>\n",
                      axis_y + 76, result.options().hartung_knapp() ? "t" : "Z",
                      std::fabs(o.z()), o.p_value()));
  return svg;
}

std::string FunnelPlotSvg(const av1::RunMetaAnalysisResponse& result,
                          const std::string& title) {
  const bool log = IsRatio(result.options().measure());
  auto analysis = [&](double v) { return log ? std::log(v) : v; };
  const double pooled = analysis(result.overall().estimate());
  double max_se = 0, lo = pooled, hi = pooled;
  for (const auto& s : result.studies()) {
    if (s.excluded()) continue;
    max_se = std::max(max_se, s.se());
    lo = std::min(lo, analysis(s.estimate()));
    hi = std::max(hi, analysis(s.estimate()));
  }
  max_se = std::max(max_se, 1e-9) * 1.1;
  lo = std::min(lo, pooled - 1.96 * max_se);
  hi = std::max(hi, pooled + 1.96 * max_se);
  const double w = 640, h = 480, x0 = 70, x1 = 610, y0 = 50, y1 = 420;
  auto X = [&](double v) { return x0 + (v - lo) / (hi - lo) * (x1 - x0); };
  auto Y = [&](double se) { return y0 + se / max_se * (y1 - y0); };
  std::string svg = absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
      "xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
      "font-family=\"Helvetica, Arial, "
      "sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n"
      "<text x=\"10\" y=\"24\" font-size=\"16\" "
      "font-weight=\"bold\">%s</text>\n",
      w, h, w, h, Escape(title.empty() ? "Funnel plot" : title));
  absl::StrAppend(
      &svg, absl::StrFormat("<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" "
                            "fill=\"#eef3f8\" stroke=\"#888\" "
                            "stroke-dasharray=\"4 3\"/>\n<line x1=\"%.1f\" "
                            "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                            "stroke=\"black\"/>\n",
                            X(pooled), Y(0), X(pooled - 1.96 * max_se),
                            Y(max_se), X(pooled + 1.96 * max_se), Y(max_se),
                            X(pooled), Y(0), X(pooled), Y(max_se)));
  for (const auto& s : result.studies()) {
    if (s.excluded()) continue;
    absl::StrAppend(&svg,
                    absl::StrFormat("<circle class=\"study\" cx=\"%.1f\" "
                                    "cy=\"%.1f\" r=\"4\" fill=\"#1f4e79\"/>\n",
                                    X(analysis(s.estimate())), Y(s.se())));
  }
  absl::StrAppend(
      &svg,
      absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                      "stroke=\"black\"/>\n<text x=\"%.1f\" "
                      "y=\"%.1f\" text-anchor=\"middle\">%s%s</text>\n<text "
                      "x=\"16\" y=\"%.1f\" "
                      "transform=\"rotate(-90 16 %.1f)\" "
                      "text-anchor=\"middle\">Standard error</text>\n</svg>\n",
                      x0, y1, x1, y1, (x0 + x1) / 2, y1 + 36, log ? "log " : "",
                      av1::EffectMeasure_Name(result.options().measure()),
                      (y0 + y1) / 2, (y0 + y1) / 2));
  return svg;
}

}  // namespace kip::plots
