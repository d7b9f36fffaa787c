#include "services/analytics/meta/pooling.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/analytics/meta/distributions.h"

namespace kip::meta {
namespace {

absl::Status CheckInputs(const std::vector<Effect>& effects,
                         double confidence_level) {
  if (effects.empty())
    return absl::InvalidArgumentError("studies: at least 1 needed");
  if (!(confidence_level > 0 && confidence_level < 1)) {
    return absl::InvalidArgumentError("confidence_level: must be in (0, 1)");
  }
  for (size_t i = 0; i < effects.size(); ++i) {
    if (!std::isfinite(effects[i].estimate) ||
        !std::isfinite(effects[i].variance) || effects[i].variance <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "studies[", i,
          "]: estimate must be finite and variance finite and > 0"));
    }
  }
  return absl::OkStatus();
}

struct Weighted0 {
  double sum_w = 0, sum_w2 = 0;
};

Weighted0 FixedEffectSums(const std::vector<Effect>& effects) {
  Weighted0 r;
  for (const Effect& e : effects) {
    r.sum_w += 1 / e.variance;
    r.sum_w2 += 1 / (e.variance * e.variance);
  }
  return r;
}

}  // namespace

absl::StatusOr<Pooled> Pool(const std::vector<Effect>& effects,
                            const PoolOptions& options) {
  if (absl::Status s = CheckInputs(effects, options.confidence_level); !s.ok())
    return s;
  std::vector<double> yi, vi;
  for (const Effect& e : effects) {
    yi.push_back(e.estimate);
    vi.push_back(e.variance);
  }
  const int k = static_cast<int>(effects.size());
  Pooled pooled;
  pooled.k = k;
  if (options.random_effects) {
    absl::StatusOr<double> tau2 =
        EstimateTau2(yi, vi, options.tau2_method, options.control);
    if (!tau2.ok()) return tau2.status();
    pooled.tau2 = *tau2;
    absl::StatusOr<Interval> ci = Tau2QProfileInterval(
        yi, vi, options.confidence_level, std::max(100.0, 10 * pooled.tau2),
        options.control);
    if (!ci.ok()) return ci.status();
    pooled.tau2_ci_lower = ci->lower;
    pooled.tau2_ci_upper = ci->upper;
    pooled.tau2_ci_upper_at_search_limit = ci->upper_at_search_limit;
  }
  double sum_w = 0, sum_wy = 0;
  for (const Effect& e : effects) {
    const double w = 1 / (e.variance + pooled.tau2);
    sum_w += w;
    sum_wy += w * e.estimate;
  }
  pooled.estimate = sum_wy / sum_w;
  for (const Effect& e : effects) {
    pooled.weight_percent.push_back(100 / (e.variance + pooled.tau2) / sum_w);
  }
  const double alpha = 1 - options.confidence_level;
  double crit;
  if (options.knha && k > 1) {
    // s^2 = sum w (y - mu)^2 / (k - 1), not truncated at 1 (metafor's default).
    const double s2 = GeneralisedQ(yi, vi, pooled.tau2) / (k - 1);
    pooled.se = std::sqrt(s2 / sum_w);
    pooled.t_distribution = true;
    pooled.df = k - 1;
    crit = StudentTQuantile(1 - alpha / 2, pooled.df);
    pooled.z = pooled.estimate / pooled.se;
    pooled.p_value = TwoSidedStudentTP(pooled.z, pooled.df);
  } else {
    pooled.se = std::sqrt(1 / sum_w);
    crit = NormalQuantile(1 - alpha / 2);
    pooled.z = pooled.estimate / pooled.se;
    pooled.p_value = TwoSidedNormalP(pooled.z);
  }
  pooled.ci_lower = pooled.estimate - crit * pooled.se;
  pooled.ci_upper = pooled.estimate + crit * pooled.se;
  const double pi_half = crit * std::sqrt(pooled.se * pooled.se + pooled.tau2);
  pooled.pi_lower =
      options.random_effects ? pooled.estimate - pi_half : pooled.ci_lower;
  pooled.pi_upper =
      options.random_effects ? pooled.estimate + pi_half : pooled.ci_upper;

  // Heterogeneity: Q around the fixed-effect mean; metafor's I^2 and H^2 come
  // from tau^2 and the "typical" within-study variance for random effects.
  const Weighted0 fe = FixedEffectSums(effects);
  pooled.q = GeneralisedQ(yi, vi, 0);
  pooled.q_df = k - 1;
  pooled.q_p_value = ChiSquareUpperP(pooled.q, pooled.q_df);
  if (k <= 1) {
    pooled.i2_percent = 0;
    pooled.h2 = 1;
  } else if (!options.random_effects) {
    pooled.i2_percent =
        pooled.q > pooled.q_df ? 100 * (pooled.q - pooled.q_df) / pooled.q : 0;
    pooled.h2 = pooled.q / pooled.q_df;
  } else {
    const double typical_v =
        (k - 1) * fe.sum_w / (fe.sum_w * fe.sum_w - fe.sum_w2);
    pooled.i2_percent = 100 * pooled.tau2 / (pooled.tau2 + typical_v);
    pooled.h2 = (pooled.tau2 + typical_v) / typical_v;
  }
  return pooled;
}

absl::StatusOr<Pooled> PoolFixedEffect(const std::vector<Effect>& effects,
                                       double confidence_level) {
  PoolOptions options;
  options.random_effects = false;
  options.confidence_level = confidence_level;
  return Pool(effects, options);
}

absl::StatusOr<Pooled> PoolDerSimonianLaird(const std::vector<Effect>& effects,
                                            double confidence_level) {
  PoolOptions options;
  options.confidence_level = confidence_level;
  return Pool(effects, options);
}

}  // namespace kip::meta
