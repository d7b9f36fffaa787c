// Per-study effect sizes on the analysis scale (log for ratios) with their
// sampling variances, as metafor's escalc() computes them. Invalid data gets
// INVALID_ARGUMENT naming the study and field.
#ifndef KIP_SERVICES_ANALYTICS_META_EFFECT_SIZE_H_
#define KIP_SERVICES_ANALYTICS_META_EFFECT_SIZE_H_

#include <string>

#include "absl/status/statusor.h"

namespace kip::meta {

struct DichotomousArms {
  double events_treatment = 0;
  double total_treatment = 0;
  double events_control = 0;
  double total_control = 0;
};

struct ContinuousArms {
  double mean_treatment = 0;
  double sd_treatment = 0;
  double n_treatment = 0;
  double mean_control = 0;
  double sd_control = 0;
  double n_control = 0;
};

struct Effect {
  double estimate = 0;     // yi: log RR, log OR, RD or MD
  double variance = 0;     // vi
  bool corrected = false;  // 0.5 added to every cell (a zero cell)
};

enum class DichotomousMeasure { kLogRiskRatio, kLogOddsRatio, kRiskDifference };

// 0.5 is added to every cell of a study with a zero cell (RR, OR, RD); for RR
// and OR a study
// with no events (or only events) in both arms is FAILED_PRECONDITION: it
// carries no information on a ratio and must be excluded by the caller.
absl::StatusOr<Effect> DichotomousEffect(const std::string& study,
                                         const DichotomousArms& arms,
                                         DichotomousMeasure measure);

// Raw mean difference, variance sd1^2/n1 + sd2^2/n2 (escalc "MD", vtype "LS").
absl::StatusOr<Effect> MeanDifference(const std::string& study,
                                      const ContinuousArms& arms);

// Hedges' g, as metafor escalc(measure="SMD") (exact small-sample
// correction) or as RevMan 5 (approximate correction, its own SE).
enum class SmdConvention { kMetafor, kRevMan5 };
absl::StatusOr<Effect> StandardizedMeanDifference(const std::string& study,
                                                  const ContinuousArms& arms,
                                                  SmdConvention convention);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_EFFECT_SIZE_H_
