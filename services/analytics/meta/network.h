// Network meta-analysis from arm-level data, as metafor's rma.mv fits the
// contrast-based model: each study's contrasts against its baseline arm (the
// reference treatment when the study has it, else its alphabetically first
// treatment) with their within-study covariances, random effects with a
// common tau^2 and correlation 1/2 between a study's contrasts, REML or ML
// (Fisher scoring) or a common-effect model. Gives every pairwise effect,
// P-scores (Ruecker & Schwarzer 2015) and the design-by-treatment interaction
// test of inconsistency (Higgins et al. 2012: design-specific contrast
// parameters added, their Wald test under the inconsistency model's tau^2).
// No gRPC.
#ifndef KIP_SERVICES_ANALYTICS_META_NETWORK_H_
#define KIP_SERVICES_ANALYTICS_META_NETWORK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/analytics/meta/tau2.h"

namespace kip::meta {

enum class NetworkMeasure {
  kMeanDifference,
  kLogOddsRatio,
  kLogRiskRatio,
  kRiskDifference
};

// One arm: events of total (binary measures) or mean, SD and n (MD).
struct NetworkArm {
  std::string study;
  std::string treatment;
  double events = 0, total = 0;
  double mean = 0, sd = 0, n = 0;
};

struct NetworkOptions {
  NetworkMeasure measure = NetworkMeasure::kMeanDifference;
  bool random_effects = true;
  Tau2Method tau2_method = Tau2Method::kRestrictedML;  // REML or ML
  std::string reference;          // default: the alphabetically first treatment
  bool smaller_is_better = true;  // for the P-scores
  double confidence_level = 0.95;
  Tau2Control control;
};

struct PairwiseEffect {
  std::string treatment_a, treatment_b;  // a versus b: d_a - d_b
  double estimate = 0, se = 0, ci_lower = 0, ci_upper = 0;  // analysis scale
};

struct NetworkFit {
  std::vector<std::string> treatments;  // the reference first
  int studies = 0, contrasts = 0, designs = 0;
  double tau2 = 0;
  double qe = 0;  // heterogeneity/inconsistency Q (within-study weights)
  int qe_df = 0;
  double qe_p_value = 1;
  std::vector<PairwiseEffect> effects;  // each unordered pair once, a before b
  std::vector<double> p_scores;         // per treatment, in `treatments` order
  bool inconsistency_testable = false;  // a loop of evidence exists
  double inconsistency_q = 0;
  int inconsistency_df = 0;
  double inconsistency_p_value = 1;
  double inconsistency_tau2 = 0;
};

// INVALID_ARGUMENT naming the arm or study for bad data; FAILED_PRECONDITION
// for a disconnected network.
absl::StatusOr<NetworkFit> FitNetwork(const std::vector<NetworkArm>& arms,
                                      const NetworkOptions& options);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_NETWORK_H_
