#include "services/analytics/meta/trim_and_fill.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kip::meta {
namespace {

// Slope of y on sqrt(v) by weighted least squares with weights 1 / v.
double SlopeOnStandardError(const std::vector<Effect>& effects) {
  double sw = 0, sx = 0, sy = 0;
  for (const Effect& e : effects) {
    const double w = 1 / e.variance;
    sw += w, sx += w * std::sqrt(e.variance), sy += w * e.estimate;
  }
  const double mx = sx / sw, my = sy / sw;
  double sxx = 0, sxy = 0;
  for (const Effect& e : effects) {
    const double w = 1 / e.variance, dx = std::sqrt(e.variance) - mx;
    sxx += w * dx * dx, sxy += w * dx * (e.estimate - my);
  }
  return sxx > 0 ? sxy / sxx : 0;
}

}  // namespace

absl::StatusOr<TrimAndFillResult> TrimAndFill(const std::vector<Effect>& input,
                                              const PoolOptions& options,
                                              int max_iterations) {
  if (input.size() < 2)
    return absl::InvalidArgumentError("trim-and-fill needs at least 2 studies");
  TrimAndFillResult result;
  result.right_side = SlopeOnStandardError(input) < 0;
  // Work as if the missing studies were on the left.
  std::vector<Effect> effects = input;
  if (result.right_side) {
    for (Effect& e : effects) e.estimate = -e.estimate;
  }
  std::stable_sort(
      effects.begin(), effects.end(),
      [](const Effect& a, const Effect& b) { return a.estimate < b.estimate; });
  const int k = static_cast<int>(effects.size());
  int k0 = 0, previous = -1;
  double center = 0;
  for (int iteration = 0; k0 != previous; ++iteration) {
    if (iteration >= max_iterations) {
      return absl::FailedPreconditionError("trim-and-fill did not converge");
    }
    previous = k0;
    std::vector<Effect> trimmed(effects.begin(), effects.begin() + (k - k0));
    absl::StatusOr<Pooled> fit = Pool(trimmed, options);
    if (!fit.ok()) return fit.status();
    center = fit->estimate;
    // Signed ranks of |y - center| (ties by order, as R's ties.method="first").
    std::vector<int> order(k);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return std::fabs(effects[a].estimate - center) <
             std::fabs(effects[b].estimate - center);
    });
    double positive_rank_sum = 0;
    for (int r = 0; r < k; ++r) {
      if (effects[order[r]].estimate - center > 0) positive_rank_sum += r + 1;
    }
    const double l0 = (4 * positive_rank_sum - k * (k + 1.0)) / (2 * k - 1.0);
    k0 = std::max(0, static_cast<int>(std::lround(l0)));
    k0 = std::min(k0, k - 1);
  }
  std::vector<Effect> all = input;
  for (int i = k - k0; i < k; ++i) {
    Effect mirrored = effects[i];
    mirrored.estimate = 2 * center - effects[i].estimate;
    if (result.right_side) mirrored.estimate = -mirrored.estimate;
    result.filled.push_back(mirrored);
    all.push_back(mirrored);
  }
  result.missing_studies = k0;
  absl::StatusOr<Pooled> adjusted = Pool(all, options);
  if (!adjusted.ok()) return adjusted.status();
  result.adjusted = *adjusted;
  return result;
}

}  // namespace kip::meta
