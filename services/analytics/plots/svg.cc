#include "services/analytics/plots/svg.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace kip::plots {

std::string Escape(const std::string& text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

std::string Num(double v) {
  // No "-0.00" for a value that rounds to zero.
  return absl::StrFormat("%.2f", std::fabs(v) < 0.005 ? 0.0 : v);
}

double TextWidth(const std::string& text, double font_size, bool bold) {
  // Helvetica advance widths of ' ' (32) to '~' (126).
  static constexpr int kRegular[95] = {
      278, 278, 355, 556, 556,  889, 667, 191, 333, 333, 389, 584, 278, 333,
      278, 278, 556, 556, 556,  556, 556, 556, 556, 556, 556, 556, 278, 278,
      584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278,
      500, 667, 556, 833, 722,  778, 667, 778, 722, 667, 611, 722, 667, 944,
      667, 667, 611, 278, 278,  278, 469, 556, 333, 556, 556, 500, 556, 556,
      278, 556, 556, 222, 222,  500, 222, 833, 556, 556, 556, 556, 333, 500,
      278, 556, 500, 722, 500,  500, 500, 334, 260, 334, 584};
  double units = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      if ((c & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte
      units += 556;
    } else if (c >= 32 && c <= 126) {
      units += kRegular[c - 32];
    }
  }
  // Helvetica Bold is about 6% wider on average.
  return units * font_size / 1000 * (bold ? 1.06 : 1.0);
}

Axis::Axis(bool log, double lo, double hi, double p0, double p1)
    : log_(log), lo_(T(lo)), hi_(T(hi)), x0_(p0), x1_(p1) {}

double Axis::X(double v) const {
  return x0_ + (std::clamp(T(v), lo_, hi_) - lo_) / (hi_ - lo_) * (x1_ - x0_);
}

bool Axis::Inside(double v) const {
  return T(v) >= lo_ - 1e-12 && T(v) <= hi_ + 1e-12;
}

std::vector<double> Axis::Ticks() const {
  std::vector<double> ticks;
  if (log_) {
    for (double base = 1e-3; base <= 1e3; base *= 10) {
      for (double m : {1.0, 2.0, 5.0}) {
        if (Inside(base * m)) ticks.push_back(base * m);
      }
    }
    return ticks;
  }
  const double span = hi_ - lo_;
  const double raw = span / 6;
  const double p = std::pow(10, std::floor(std::log10(raw)));
  const double step = raw / p < 2 ? 2 * p : raw / p < 5 ? 5 * p : 10 * p;
  for (double t = std::ceil(lo_ / step) * step; t <= hi_ + 1e-12; t += step) {
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}

double Axis::T(double v) const { return log_ ? std::log(v) : v; }

std::string AxesSvg(const PlotBox& box, const Axis& x, const Axis& y,
                    const std::string& x_label, const std::string& y_label) {
  std::string svg = absl::StrFormat(
      "<path d=\"M%.0f %.0f V%.0f H%.0f\" stroke=\"black\" fill=\"none\"/>\n",
      box.left, box.top, box.bottom, box.right);
  for (double t : x.Ticks()) {
    absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.0f\" "
                                          "text-anchor=\"middle\">%s</text>\n",
                                          x.X(t), box.bottom + 18, Num(t)));
  }
  for (double t : y.Ticks()) {
    absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.0f\" y=\"%.1f\" "
                                          "text-anchor=\"end\">%s</text>\n",
                                          box.left - 6, y.X(t) + 4, Num(t)));
  }
  absl::StrAppend(
      &svg, absl::StrFormat(
                "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">%s"
                "</text>\n<text transform=\"translate(18 %.0f) "
                "rotate(-90)\" text-anchor=\"middle\">%s</text>\n",
                (box.left + box.right) / 2, box.bottom + 40, Escape(x_label),
                (box.top + box.bottom) / 2, Escape(y_label)));
  return svg;
}

}  // namespace kip::plots
