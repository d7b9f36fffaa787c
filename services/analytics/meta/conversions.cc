#include "services/analytics/meta/conversions.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/analytics/meta/distributions.h"

namespace kip::meta {
namespace {

absl::Status Bad(const std::string& at, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat(at, ": ", why));
}

bool Finite(double v) { return std::isfinite(v); }

absl::Status CheckCorrelation(const std::string& at, double r) {
  if (!(r >= -1 && r <= 1))
    return Bad(at + ".correlation", "must be in [-1, 1]");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<MeanSd> MeanSdFromMedian(const std::string& at,
                                        const FiveNumbers& arm) {
  const double n = arm.n;
  if (!(n >= 2) || n != std::floor(n))
    return Bad(at + ".n", "must be a whole number >= 2");
  const bool range = arm.min.has_value() && arm.max.has_value();
  const bool quartiles = arm.q1.has_value() && arm.q3.has_value();
  if (!range && !quartiles) {
    return Bad(at, "a median needs q1 and q3, or min and max, or all four");
  }
  const double m = arm.median;
  if (!Finite(m)) return Bad(at + ".median", "must be finite");
  if (range && !(*arm.min <= m && m <= *arm.max && *arm.min < *arm.max))
    return Bad(at, "needs min <= median <= max and min < max");
  if (quartiles && !(*arm.q1 <= m && m <= *arm.q3 && *arm.q1 < *arm.q3))
    return Bad(at, "needs q1 <= median <= q3 and q1 < q3");
  // Wan (2014): the expected range and interquartile range of n normal
  // draws, in SDs.
  const double xi_range = 2 * NormalQuantile((n - 0.375) / (n + 0.25));
  const double eta_iqr = 2 * NormalQuantile((0.75 * n - 0.125) / (n + 0.25));
  MeanSd out;
  if (range && quartiles) {  // scenario S2
    const double w_range = 2.2 / (2.2 + std::pow(n, 0.75));
    const double w_iqr = 0.7 - 0.72 / std::pow(n, 0.55);
    out.mean = w_range * (*arm.min + *arm.max) / 2 +
               w_iqr * (*arm.q1 + *arm.q3) / 2 + (1 - w_range - w_iqr) * m;
    out.sd = (*arm.max - *arm.min) / (2 * xi_range) +
             (*arm.q3 - *arm.q1) / (2 * eta_iqr);
  } else if (range) {  // S1
    const double w = 4 / (4 + std::pow(n, 0.75));
    out.mean = w * (*arm.min + *arm.max) / 2 + (1 - w) * m;
    out.sd = (*arm.max - *arm.min) / xi_range;
  } else {  // S3
    const double w = 0.7 + 0.39 / n;
    out.mean = w * (*arm.q1 + *arm.q3) / 2 + (1 - w) * m;
    out.sd = (*arm.q3 - *arm.q1) / eta_iqr;
  }
  return out;
}

absl::StatusOr<MeanSd> ChangeFromBaseline(const std::string& at,
                                          const BaselineFinal& arm) {
  if (!(arm.n >= 2) || arm.n != std::floor(arm.n))
    return Bad(at + ".n", "must be a whole number >= 2");
  if (!(arm.sd_baseline > 0) || !(arm.sd_final > 0) ||
      !Finite(arm.sd_baseline) || !Finite(arm.sd_final))
    return Bad(at, "sd_baseline and sd_final must be > 0");
  if (!Finite(arm.mean_baseline) || !Finite(arm.mean_final))
    return Bad(at, "mean_baseline and mean_final must be finite");
  if (absl::Status s = CheckCorrelation(at, arm.correlation); !s.ok()) return s;
  const double variance = arm.sd_baseline * arm.sd_baseline +
                          arm.sd_final * arm.sd_final -
                          2 * arm.correlation * arm.sd_baseline * arm.sd_final;
  if (!(variance > 0))
    return Bad(at, "the change has no variance (r = 1 with equal SDs)");
  return MeanSd{arm.mean_final - arm.mean_baseline, std::sqrt(variance)};
}

absl::StatusOr<Effect> PairedMeanDifference(const std::string& at,
                                            const Paired& p) {
  if (!(p.n >= 2) || p.n != std::floor(p.n))
    return Bad(at + ".n", "must be a whole number >= 2");
  if (!(p.sd_treatment > 0) || !(p.sd_control > 0))
    return Bad(at, "sd_treatment and sd_control must be > 0");
  if (!Finite(p.mean_treatment) || !Finite(p.mean_control))
    return Bad(at, "means must be finite");
  if (absl::Status s = CheckCorrelation(at, p.correlation); !s.ok()) return s;
  const double variance =
      (p.sd_treatment * p.sd_treatment + p.sd_control * p.sd_control -
       2 * p.correlation * p.sd_treatment * p.sd_control) /
      p.n;
  if (!(variance > 0)) return Bad(at, "the paired difference has no variance");
  return Effect{p.mean_treatment - p.mean_control, variance, false};
}

absl::StatusOr<Effect> EffectFromInterval(const std::string& at,
                                          double estimate, double lower,
                                          double upper, double level,
                                          bool ratio) {
  if (level == 0) level = 0.95;
  if (!(level > 0 && level < 1))
    return Bad(at + ".confidence_level", "must be within (0, 1)");
  if (!(lower < upper) || !(lower <= estimate && estimate <= upper))
    return Bad(at, "needs ci_lower <= estimate <= ci_upper, lower < upper");
  if (ratio && !(lower > 0))
    return Bad(at + ".ci_lower", "a ratio's bounds must be > 0");
  const auto t = [ratio](double v) { return ratio ? std::log(v) : v; };
  const double se =
      (t(upper) - t(lower)) / (2 * NormalQuantile(1 - (1 - level) / 2));
  return Effect{t(estimate), se * se, false};
}

}  // namespace kip::meta
