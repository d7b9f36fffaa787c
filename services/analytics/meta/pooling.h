// Inverse-variance pooling of per-study effects: fixed effect, and random
// effects with any tau^2 estimator and optionally the Hartung-Knapp-Sidik-
// Jonkman adjustment, with heterogeneity, the Q-profile CI of tau^2 and the
// prediction interval, matching metafor's rma()/predict()/confint(). Estimates
// stay on the analysis scale (log for ratios).
#ifndef KIP_SERVICES_ANALYTICS_META_POOLING_H_
#define KIP_SERVICES_ANALYTICS_META_POOLING_H_

#include <vector>

#include "absl/status/statusor.h"
#include "services/analytics/meta/effect_size.h"
#include "services/analytics/meta/tau2.h"

namespace kip::meta {

struct Pooled {
  int k = 0;
  double estimate = 0;
  double se = 0;
  double ci_lower = 0;
  double ci_upper = 0;
  double z = 0;
  double p_value = 0;
  double q = 0;  // Cochran's Q around the fixed-effect estimate
  int q_df = 0;
  double q_p_value = 0;
  double tau2 = 0;
  double tau2_ci_lower = 0;  // Q-profile (random effects only)
  double tau2_ci_upper = 0;
  bool tau2_ci_upper_at_search_limit = false;  // metafor's max(100, 10 tau^2)
  double i2_percent =
      0;  // metafor: from tau^2 (for DL identical to (Q - df) / Q)
  double h2 = 0;
  double pi_lower = 0;  // prediction interval (= CI for fixed effect)
  double pi_upper = 0;
  bool t_distribution = false;  // knha: z holds a t statistic on `df`
  int df = 0;
  std::vector<double> weight_percent;  // per study, in input order
};

struct PoolOptions {
  bool random_effects = true;
  Tau2Method tau2_method = Tau2Method::kDerSimonianLaird;
  bool knha = false;  // Hartung-Knapp-Sidik-Jonkman (metafor test="knha")
  double confidence_level = 0.95;
  Tau2Control control;
};

// INVALID_ARGUMENT for no studies or a bad variance; FAILED_PRECONDITION when
// an iterative tau^2 estimator does not converge.
absl::StatusOr<Pooled> Pool(const std::vector<Effect>& effects,
                            const PoolOptions& options);

// INVALID_ARGUMENT for no studies, or a non-finite or non-positive variance.
absl::StatusOr<Pooled> PoolFixedEffect(const std::vector<Effect>& effects,
                                       double confidence_level = 0.95);
absl::StatusOr<Pooled> PoolDerSimonianLaird(const std::vector<Effect>& effects,
                                            double confidence_level = 0.95);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_POOLING_H_
