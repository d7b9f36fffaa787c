// What the SVG plots share: text escaping, number formatting and an axis
// that maps values to pixels (log scale for ratios) with its ticks.
#ifndef KIP_SERVICES_ANALYTICS_PLOTS_SVG_H_
#define KIP_SERVICES_ANALYTICS_PLOTS_SVG_H_

#include <string>
#include <vector>

namespace kip::plots {

std::string Escape(const std::string& text);
std::string Num(double v);  // two decimals

// The width in pixels of `text` set in Helvetica/Arial at `font_size`, from
// the font's advance widths (Adobe's Helvetica AFM, per 1000 em; characters
// beyond ASCII as a digit). For laying out columns: the plots name the font.
double TextWidth(const std::string& text, double font_size, bool bold = false);

// Maps values in [lo, hi] to pixels in [p0, p1] (clamped), on a log scale
// when `log`.
class Axis {
 public:
  Axis(bool log, double lo, double hi, double p0, double p1);
  double X(double v) const;
  bool Inside(double v) const;
  std::vector<double> Ticks() const;

 private:
  double T(double v) const;
  bool log_;
  double lo_, hi_, x0_, x1_;
};

// The plot area's edges in pixels.
struct PlotBox {
  double left, right, top, bottom;
};

// The L-shaped axes of a scatter plot in `box`, the ticks of `x` below and of
// `y` left of it, and the two axis titles.
std::string AxesSvg(const PlotBox& box, const Axis& x, const Axis& y,
                    const std::string& x_label, const std::string& y_label);

}  // namespace kip::plots

#endif  // KIP_SERVICES_ANALYTICS_PLOTS_SVG_H_
