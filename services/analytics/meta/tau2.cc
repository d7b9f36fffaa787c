#include "services/analytics/meta/tau2.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "services/analytics/meta/distributions.h"

namespace kip::meta {
namespace {

struct Weighted {
  double sum_w = 0, sum_w2 = 0, mean = 0;
};

Weighted WeightedMean(const std::vector<double>& yi,
                      const std::vector<double>& vi, double tau2) {
  Weighted r;
  double sum_wy = 0;
  for (size_t i = 0; i < yi.size(); ++i) {
    const double w = 1 / (vi[i] + tau2);
    r.sum_w += w;
    r.sum_w2 += w * w;
    sum_wy += w * yi[i];
  }
  r.mean = sum_wy / r.sum_w;
  return r;
}

// Finds x in [lo, hi] with f(x) = 0 for a decreasing f (bisection then
// secant safeguards: plain bisection is enough at 1e-12 and never fails).
absl::StatusOr<double> DecreasingRoot(const std::function<double(double)>& f,
                                      double lo, double hi,
                                      const Tau2Control& control,
                                      const char* what) {
  // Grow the bracket until f(hi) < 0.
  int grow = 0;
  while (f(hi) > 0) {
    lo = hi;
    hi *= 2;
    if (++grow > 200)
      return absl::FailedPreconditionError(absl::StrCat(what, ": no root"));
  }
  for (int i = 0; i < control.max_iterations; ++i) {
    const double mid = (lo + hi) / 2;
    if (f(mid) > 0) {
      lo = mid;
    } else {
      hi = mid;
    }
    if (hi - lo <= control.tolerance * std::max(1.0, hi)) return (lo + hi) / 2;
  }
  return absl::FailedPreconditionError(absl::StrCat(
      what, " did not converge in ", control.max_iterations, " iterations"));
}

double HedgesTau2(const std::vector<double>& yi,
                  const std::vector<double>& vi) {
  const double k = static_cast<double>(yi.size());
  const double mean = std::accumulate(yi.begin(), yi.end(), 0.0) / k;
  double rss = 0;
  for (double y : yi) rss += (y - mean) * (y - mean);
  const double sum_v = std::accumulate(vi.begin(), vi.end(), 0.0);
  // E[RSS] = (k - 1) tau^2 + sum(v) (k - 1) / k for the unweighted mean.
  return rss / (k - 1) - sum_v / k;
}

// The (restricted) log-likelihood of tau2, up to a constant.
double LogLikelihood(const std::vector<double>& yi,
                     const std::vector<double>& vi, double tau2,
                     bool restricted) {
  const Weighted m = WeightedMean(yi, vi, tau2);
  double ll = 0;
  for (size_t i = 0; i < yi.size(); ++i) {
    const double v = vi[i] + tau2;
    ll -= 0.5 * (std::log(v) + (yi[i] - m.mean) * (yi[i] - m.mean) / v);
  }
  if (restricted) ll -= 0.5 * std::log(m.sum_w);
  return ll;
}

// Fisher scoring for ML or REML (metafor's algorithm, intercept-only model),
// from the Hedges estimate truncated at 0, halving steps that would go below 0.
absl::StatusOr<double> FisherScoring(const std::vector<double>& yi,
                                     const std::vector<double>& vi,
                                     bool restricted,
                                     const Tau2Control& control) {
  double tau2 = std::max(0.0, HedgesTau2(yi, vi));
  for (int iteration = 0; iteration < control.max_iterations; ++iteration) {
    const Weighted m = WeightedMean(yi, vi, tau2);
    // P = W - W 1 1' W / sum(w); Y'PPY = sum(w_i^2 r_i^2), r_i = y_i - mu.
    double ypppy = 0;
    for (size_t i = 0; i < yi.size(); ++i) {
      const double w = 1 / (vi[i] + tau2);
      ypppy += w * w * (yi[i] - m.mean) * (yi[i] - m.mean);
    }
    double adjustment;
    if (restricted) {
      double sum_w3 = 0;
      for (double v : vi) sum_w3 += std::pow(1 / (v + tau2), 3);
      const double trace_p = m.sum_w - m.sum_w2 / m.sum_w;
      const double trace_pp = m.sum_w2 - 2 * sum_w3 / m.sum_w +
                              (m.sum_w2 / m.sum_w) * (m.sum_w2 / m.sum_w);
      adjustment = (ypppy - trace_p) / trace_pp;
    } else {
      adjustment = (ypppy - m.sum_w) / m.sum_w2;
    }
    while (tau2 + adjustment < 0) adjustment /= 2;
    tau2 += adjustment;
    if (std::fabs(adjustment) <= control.tolerance * std::max(1.0, tau2)) {
      // Like metafor: scoring can settle where the likelihood is lower than at
      // tau^2 = 0; then 0 is the estimate.
      if (LogLikelihood(yi, vi, 0, restricted) >
          LogLikelihood(yi, vi, tau2, restricted)) {
        return 0.0;
      }
      return tau2;
    }
  }
  return absl::FailedPreconditionError(absl::StrCat(
      restricted ? "REML" : "ML", " estimation of tau^2 did not converge in ",
      control.max_iterations, " iterations"));
}

}  // namespace

double GeneralisedQ(const std::vector<double>& yi,
                    const std::vector<double>& vi, double tau2) {
  const Weighted m = WeightedMean(yi, vi, tau2);
  double q = 0;
  for (size_t i = 0; i < yi.size(); ++i) {
    q += (yi[i] - m.mean) * (yi[i] - m.mean) / (vi[i] + tau2);
  }
  return q;
}

absl::StatusOr<double> EstimateTau2(const std::vector<double>& yi,
                                    const std::vector<double>& vi,
                                    Tau2Method method,
                                    const Tau2Control& control) {
  const size_t k = yi.size();
  if (k != vi.size() || k == 0) {
    return absl::InvalidArgumentError(
        "studies: effects and variances must pair up");
  }
  if (k == 1) return 0.0;
  switch (method) {
    case Tau2Method::kDerSimonianLaird: {
      const Weighted m = WeightedMean(yi, vi, 0);
      const double c = m.sum_w - m.sum_w2 / m.sum_w;
      return std::max(0.0, (GeneralisedQ(yi, vi, 0) - (k - 1.0)) / c);
    }
    case Tau2Method::kHedges:
      return std::max(0.0, HedgesTau2(yi, vi));
    case Tau2Method::kSidikJonkman: {
      const double mean = std::accumulate(yi.begin(), yi.end(), 0.0) / k;
      double tau2_0 = 0;
      for (double y : yi) tau2_0 += (y - mean) * (y - mean);
      tau2_0 /= k;  // var(y) (k - 1) / k
      if (tau2_0 <= 0) return 0.0;
      return tau2_0 * GeneralisedQ(yi, vi, tau2_0) / (k - 1.0);
    }
    case Tau2Method::kPauleMandel: {
      const double df = k - 1.0;
      if (GeneralisedQ(yi, vi, 0) <= df) return 0.0;
      return DecreasingRoot(
          [&](double t) { return GeneralisedQ(yi, vi, t) - df; }, 0,
          std::max(1.0, HedgesTau2(yi, vi) * 2 + 1), control,
          "Paule-Mandel estimation of tau^2");
    }
    case Tau2Method::kML:
      return FisherScoring(yi, vi, false, control);
    case Tau2Method::kRestrictedML:
      return FisherScoring(yi, vi, true, control);
  }
  return absl::InvalidArgumentError("tau2 method: unknown");
}

absl::StatusOr<Interval> Tau2QProfileInterval(const std::vector<double>& yi,
                                              const std::vector<double>& vi,
                                              double level, double search_limit,
                                              const Tau2Control& control) {
  const double df = yi.size() - 1.0;
  if (df < 1) return Interval{0, 0};
  const double alpha = 1 - level;
  const double q_upper = ChiSquareQuantile(1 - alpha / 2, df);
  const double q_lower = ChiSquareQuantile(alpha / 2, df);
  const double q0 = GeneralisedQ(yi, vi, 0);
  Interval interval;
  bool at_limit = false;
  auto solve = [&](double target) -> absl::StatusOr<double> {
    if (q0 <= target) return 0.0;
    if (GeneralisedQ(yi, vi, search_limit) > target) {
      at_limit = true;
      return search_limit;
    }
    return DecreasingRoot(
        [&](double t) { return GeneralisedQ(yi, vi, t) - target; }, 0,
        search_limit, control, "Q-profile interval of tau^2");
  };
  absl::StatusOr<double> lower = solve(q_upper);
  if (!lower.ok()) return lower.status();
  interval.lower = *lower;
  at_limit = false;
  absl::StatusOr<double> upper = solve(q_lower);
  if (!upper.ok()) return upper.status();
  interval.upper = *upper;
  interval.upper_at_search_limit = at_limit;
  return interval;
}

}  // namespace kip::meta
