#include "services/analytics/plots/svg.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace kip::plots {

std::string Escape(const std::string& text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

std::string Num(double v) { return absl::StrFormat("%.2f", v); }

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

}  // namespace kip::plots
