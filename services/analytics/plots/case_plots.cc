#include "services/analytics/plots/case_plots.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/analytics/plots/svg.h"

namespace kip::plots {
namespace {

namespace av1 = kip::analytics::v1;

constexpr double kWidth = 600, kHeight = 520;
constexpr double kLeft = 70, kRight = 570, kTop = 50, kBottom = 450;

std::string Frame(const std::string& title, const Axis& x, const Axis& y,
                  const std::string& x_label, const std::string& y_label) {
  std::string svg = absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
      "xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"10\" "
      "y=\"26\" font-size=\"16\" font-weight=\"bold\">%s</text>\n",
      kWidth, kHeight, Escape(title));
  absl::StrAppend(
      &svg, AxesSvg({kLeft, kRight, kTop, kBottom}, x, y, x_label, y_label));
  return svg;
}

double Max(double a, double b) { return std::isfinite(b) ? std::max(a, b) : a; }

// The treatment risk the pooled effect gives at control risk `p`.
double PooledTreatmentRisk(av1::EffectMeasure m, double effect, double p) {
  switch (m) {
    case av1::RR:
      return effect * p;
    case av1::OR:
    case av1::PETO_OR: {
      const double odds = effect * p / (1 - p);
      return odds / (1 + odds);
    }
    default:
      return p + effect;  // RD
  }
}

}  // namespace

std::string BaujatPlotSvg(const av1::RunMetaAnalysisResponse& r) {
  double max_x = 1e-9, max_y = 1e-9;
  for (const auto& s : r.influence()) {
    max_x = Max(max_x, s.heterogeneity_contribution());
    max_y = Max(max_y, s.influence_on_result());
  }
  const Axis x(false, 0, max_x * 1.1, kLeft + 8, kRight - 8);
  const Axis y(false, 0, max_y * 1.1, kBottom - 8, kTop + 8);
  std::string svg =
      Frame("Baujat plot", x, y, "Squared Pearson residual (contribution to Q)",
            "Influence on the pooled result");
  for (const auto& s : r.influence()) {
    const double px = x.X(s.heterogeneity_contribution());
    const double py = y.X(s.influence_on_result());
    // A label that would run off the right edge goes left of its point.
    const bool left = px + 6 + TextWidth(s.study(), 10) > kWidth - 4;
    absl::StrAppend(
        &svg,
        absl::StrFormat("<circle class=\"study\" cx=\"%.1f\" cy=\"%.1f\" "
                        "r=\"4\" fill=\"#3182bd\"/><text x=\"%.1f\" "
                        "y=\"%.1f\" font-size=\"10\" text-anchor=\"%s\">%s"
                        "</text>\n",
                        px, py, left ? px - 6 : px + 6, py - 5,
                        left ? "end" : "start", Escape(s.study())));
  }
  return absl::StrCat(svg, "</svg>\n");
}

std::string LabbePlotSvg(const av1::RunMetaAnalysisResponse& r) {
  const Axis x(false, 0, 1, kLeft + 8, kRight - 8);
  const Axis y(false, 0, 1, kBottom - 8, kTop + 8);
  std::string svg =
      Frame("L'Abb\u00e9 plot", x, y, "Control-arm risk", "Treatment-arm risk");
  absl::StrAppend(
      &svg, absl::StrFormat("<line class=\"no-effect\" x1=\"%.1f\" y1=\"%.1f\" "
                            "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
                            "stroke-dasharray=\"4 3\"/>\n",
                            x.X(0), y.X(0), x.X(1), y.X(1)));
  std::string path;
  for (int step = 0; step <= 100; ++step) {
    const double p = step / 100.0;
    const double q =
        PooledTreatmentRisk(r.options().measure(), r.overall().estimate(), p);
    if (!std::isfinite(q) || q < 0 || q > 1) continue;
    absl::StrAppend(&path, path.empty() ? "M" : " L",
                    absl::StrFormat("%.1f %.1f", x.X(p), y.X(q)));
  }
  absl::StrAppend(&svg, absl::StrFormat("<path class=\"pooled\" d=\"%s\" "
                                        "stroke=\"black\" stroke-width=\"2\" "
                                        "fill=\"none\"/>\n",
                                        path));
  for (const auto& s : r.studies()) {
    if (!s.has_risks()) continue;
    absl::StrAppend(
        &svg, absl::StrFormat(
                  "<circle class=\"study\" cx=\"%.1f\" cy=\"%.1f\" "
                  "r=\"%.1f\" fill=\"#9ecae1\" stroke=\"#3182bd\" "
                  "fill-opacity=\"0.7\"><title>%s</title></circle>\n",
                  x.X(s.control_risk()), y.X(s.treatment_risk()),
                  3 + 2.2 * std::sqrt(s.weight_percent()), Escape(s.study())));
  }
  return absl::StrCat(svg, "</svg>\n");
}

}  // namespace kip::plots
