#include "services/analytics/plots/bubble_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/analytics/meta/prepared_study.h"
#include "services/analytics/plots/svg.h"

namespace kip::plots {
namespace {

namespace av1 = kip::analytics::v1;

constexpr double kWidth = 640, kHeight = 440;
constexpr double kLeft = 70, kRight = 620, kTop = 50, kBottom = 380;

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void Add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
};

// A path through the curve's points, `value` picking estimate or a bound.
template <typename Value>
std::string CurvePath(const av1::RunMetaRegressionResponse& r, const Axis& x,
                      const Axis& y, Value value) {
  std::string d;
  for (const av1::MetaRegressionPrediction& p : r.curve()) {
    const double at = p.at().numeric().at(r.curve_moderator());
    absl::StrAppend(&d, d.empty() ? "M" : " L",
                    absl::StrFormat("%.1f %.1f", x.X(at), y.X(value(p))));
  }
  return d;
}

}  // namespace

std::string BubblePlotSvg(const av1::RunMetaRegressionResponse& r,
                          const std::string& title) {
  const av1::EffectMeasure measure = r.options().measure();
  const bool log = kip::meta::IsRatio(measure);
  Range xs, ys;
  for (const av1::RegressionPoint& p : r.points()) {
    xs.Add(p.moderator());
    ys.Add(log ? std::log(p.estimate()) : p.estimate());
  }
  for (const av1::MetaRegressionPrediction& p : r.curve()) {
    ys.Add(log ? std::log(p.ci_lower()) : p.ci_lower());
    ys.Add(log ? std::log(p.ci_upper()) : p.ci_upper());
  }
  if (!(xs.hi > xs.lo)) xs.hi = xs.lo + 1;
  if (!(ys.hi > ys.lo)) ys.hi = ys.lo + 1;
  const double pad = (ys.hi - ys.lo) * 0.05;
  const auto unlog = [log](double v) { return log ? std::exp(v) : v; };
  const Axis x(false, xs.lo, xs.hi, kLeft + 10, kRight - 10);
  // Pixels grow downwards: the axis maps lo to the bottom.
  const Axis y(log, unlog(ys.lo - pad), unlog(ys.hi + pad), kBottom - 10,
               kTop + 10);
  std::string svg = absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
      "xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"10\" y=\"26\" font-size=\"16\" font-weight=\"bold\">%s"
      "</text>\n",
      kWidth, kHeight, Escape(title.empty() ? "Bubble plot" : title));
  absl::StrAppend(
      &svg, AxesSvg({kLeft, kRight, kTop, kBottom}, x, y, r.curve_moderator(),
                    av1::EffectMeasure_Name(measure)));
  for (const av1::RegressionPoint& p : r.points()) {
    absl::StrAppend(
        &svg, absl::StrFormat(
                  "<circle class=\"study\" cx=\"%.1f\" cy=\"%.1f\" "
                  "r=\"%.1f\" fill=\"#9ecae1\" stroke=\"#3182bd\" "
                  "fill-opacity=\"0.7\"><title>%s</title></circle>\n",
                  x.X(p.moderator()), y.X(p.estimate()),
                  3 + std::sqrt(p.weight_percent()) * 2.2, Escape(p.study())));
  }
  const auto estimate = [](const av1::MetaRegressionPrediction& p) {
    return p.estimate();
  };
  const auto lower = [](const av1::MetaRegressionPrediction& p) {
    return p.ci_lower();
  };
  const auto upper = [](const av1::MetaRegressionPrediction& p) {
    return p.ci_upper();
  };
  absl::StrAppend(
      &svg,
      absl::StrFormat("<path class=\"fit\" d=\"%s\" stroke=\"black\" "
                      "stroke-width=\"2\" fill=\"none\"/>\n",
                      CurvePath(r, x, y, estimate)),
      absl::StrFormat("<path class=\"ci\" d=\"%s\" stroke=\"black\" "
                      "stroke-dasharray=\"5 4\" fill=\"none\"/>\n",
                      CurvePath(r, x, y, lower)),
      absl::StrFormat("<path class=\"ci\" d=\"%s\" stroke=\"black\" "
                      "stroke-dasharray=\"5 4\" fill=\"none\"/>\n</svg>\n",
                      CurvePath(r, x, y, upper)));
  return svg;
}

}  // namespace kip::plots
