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

// Weighted mean and its variance for weights 1 / (v_i + tau2).
Pooled PoolWithTau2(const std::vector<Effect>& effects, double tau2,
                    double confidence_level) {
  Pooled pooled;
  pooled.k = static_cast<int>(effects.size());
  pooled.tau2 = tau2;
  double sum_w = 0, sum_wy = 0;
  for (const Effect& e : effects) {
    const double w = 1 / (e.variance + tau2);
    sum_w += w;
    sum_wy += w * e.estimate;
  }
  pooled.estimate = sum_wy / sum_w;
  pooled.se = std::sqrt(1 / sum_w);
  const double z_crit = NormalQuantile(1 - (1 - confidence_level) / 2);
  pooled.ci_lower = pooled.estimate - z_crit * pooled.se;
  pooled.ci_upper = pooled.estimate + z_crit * pooled.se;
  pooled.z = pooled.estimate / pooled.se;
  pooled.p_value = TwoSidedNormalP(pooled.z);
  for (const Effect& e : effects) {
    pooled.weight_percent.push_back(100 * (1 / (e.variance + tau2)) / sum_w);
  }
  return pooled;
}

// Cochran's Q around the fixed-effect mean, and the DL scaling constant
// c = sum(w) - sum(w^2) / sum(w).
struct Heterogeneity {
  double q = 0;
  double c = 0;
};

Heterogeneity FixedEffectHeterogeneity(const std::vector<Effect>& effects) {
  double sum_w = 0, sum_w2 = 0, sum_wy = 0;
  for (const Effect& e : effects) {
    const double w = 1 / e.variance;
    sum_w += w;
    sum_w2 += w * w;
    sum_wy += w * e.estimate;
  }
  const double mean = sum_wy / sum_w;
  Heterogeneity h;
  // Squared deviations from the mean, not sum(w y^2) - (sum w y)^2 / sum w,
  // which cancels catastrophically when effects are large and similar.
  for (const Effect& e : effects) {
    h.q += (e.estimate - mean) * (e.estimate - mean) / e.variance;
  }
  h.c = sum_w - sum_w2 / sum_w;
  return h;
}

// metafor: H^2 = Q / df for the fixed-effect model, 1 / (1 - I^2) under DL.
void AddHeterogeneity(const Heterogeneity& h, bool random_effects,
                      Pooled* pooled) {
  pooled->q = h.q;
  pooled->q_df = pooled->k - 1;
  pooled->q_p_value = ChiSquareUpperP(h.q, pooled->q_df);
  pooled->i2_percent =
      h.q > pooled->q_df && h.q > 0 ? 100 * (h.q - pooled->q_df) / h.q : 0;
  if (pooled->q_df == 0) {
    pooled->h2 = 1;
  } else if (random_effects) {
    pooled->h2 = 1 / (1 - pooled->i2_percent / 100);
  } else {
    pooled->h2 = h.q / pooled->q_df;
  }
}

}  // namespace

absl::StatusOr<Pooled> PoolFixedEffect(const std::vector<Effect>& effects,
                                       double confidence_level) {
  if (absl::Status s = CheckInputs(effects, confidence_level); !s.ok())
    return s;
  Pooled pooled = PoolWithTau2(effects, 0, confidence_level);
  AddHeterogeneity(FixedEffectHeterogeneity(effects), false, &pooled);
  return pooled;
}

absl::StatusOr<Pooled> PoolDerSimonianLaird(const std::vector<Effect>& effects,
                                            double confidence_level) {
  if (absl::Status s = CheckInputs(effects, confidence_level); !s.ok())
    return s;
  const Heterogeneity h = FixedEffectHeterogeneity(effects);
  const int df = static_cast<int>(effects.size()) - 1;
  const double tau2 = h.c > 0 ? std::max(0.0, (h.q - df) / h.c) : 0;
  Pooled pooled = PoolWithTau2(effects, tau2, confidence_level);
  AddHeterogeneity(h, true, &pooled);
  return pooled;
}

}  // namespace kip::meta
