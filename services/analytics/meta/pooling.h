// Inverse-variance pooling of per-study effects: fixed effect, and random
// effects with the DerSimonian-Laird tau^2, matching metafor's rma(method="FE")
// and rma(method="DL"). Estimates stay on the analysis scale (log for ratios).
#ifndef KIP_SERVICES_ANALYTICS_META_POOLING_H_
#define KIP_SERVICES_ANALYTICS_META_POOLING_H_

#include <vector>

#include "absl/status/statusor.h"
#include "services/analytics/meta/effect_size.h"

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
  double i2_percent = 0;  // for DL identical to Higgins' (Q - df) / Q
  double h2 = 0;
  std::vector<double> weight_percent;  // per study, in input order
};

// INVALID_ARGUMENT for no studies, or a non-finite or non-positive variance.
absl::StatusOr<Pooled> PoolFixedEffect(const std::vector<Effect>& effects,
                                       double confidence_level = 0.95);
absl::StatusOr<Pooled> PoolDerSimonianLaird(const std::vector<Effect>& effects,
                                            double confidence_level = 0.95);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_POOLING_H_
