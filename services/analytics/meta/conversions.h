// The inputs researchers have, made into what the meta-analysis pools (as
// metafor's escalc and the conversions its users apply by hand): an arm's
// median with quartiles and/or range to a mean (Luo et al. 2018, Stat Methods
// Med Res 27:1785) and SD (Wan et al. 2014, BMC Med Res Methodol 14:135);
// baseline and final values to a change score; a crossover's paired mean
// difference (escalc "MC"); an effect's confidence interval to its SE. Each
// error names the field.
#ifndef KIP_SERVICES_ANALYTICS_META_CONVERSIONS_H_
#define KIP_SERVICES_ANALYTICS_META_CONVERSIONS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/analytics/meta/effect_size.h"

namespace kip::meta {

struct MeanSd {
  double mean = 0;
  double sd = 0;
};

struct FiveNumbers {
  double n = 0;
  double median = 0;
  std::optional<double> q1, q3, min, max;
};

// Scenario by what is given: min/max (S1), q1/q3 (S3) or all four (S2).
absl::StatusOr<MeanSd> MeanSdFromMedian(const std::string& at,
                                        const FiveNumbers& arm);

struct BaselineFinal {
  double n = 0;
  double mean_baseline = 0, sd_baseline = 0;
  double mean_final = 0, sd_final = 0;
  double correlation = 0;
};

absl::StatusOr<MeanSd> ChangeFromBaseline(const std::string& at,
                                          const BaselineFinal& arm);

struct Paired {
  double n = 0;
  double mean_treatment = 0, sd_treatment = 0;
  double mean_control = 0, sd_control = 0;
  double correlation = 0;
};

absl::StatusOr<Effect> PairedMeanDifference(const std::string& at,
                                            const Paired& paired);

// `ratio`: estimate and bounds are ratios, analysed on the log scale.
absl::StatusOr<Effect> EffectFromInterval(const std::string& at,
                                          double estimate, double lower,
                                          double upper, double level,
                                          bool ratio);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_CONVERSIONS_H_
