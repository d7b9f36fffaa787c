#include "services/analytics/meta/effect_size.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace kip::meta {
namespace {

absl::Status Invalid(const std::string& study, const char* field,
                     const char* bound) {
  return absl::InvalidArgumentError(
      absl::StrCat("study '", study, "': ", field, " must be ", bound));
}

bool IsCount(double x) {
  return std::isfinite(x) && x >= 0 && std::floor(x) == x;
}

}  // namespace

absl::StatusOr<Effect> DichotomousEffect(const std::string& study,
                                         const DichotomousArms& arms,
                                         DichotomousMeasure measure) {
  if (!IsCount(arms.total_treatment) || arms.total_treatment < 1) {
    return Invalid(study, "total_treatment", "a whole number >= 1");
  }
  if (!IsCount(arms.total_control) || arms.total_control < 1) {
    return Invalid(study, "total_control", "a whole number >= 1");
  }
  if (!IsCount(arms.events_treatment) ||
      arms.events_treatment > arms.total_treatment) {
    return Invalid(study, "events_treatment",
                   "a whole number in [0, total_treatment]");
  }
  if (!IsCount(arms.events_control) ||
      arms.events_control > arms.total_control) {
    return Invalid(study, "events_control",
                   "a whole number in [0, total_control]");
  }
  double a = arms.events_treatment, b = arms.total_treatment - a;
  double c = arms.events_control, d = arms.total_control - c;
  if (measure == DichotomousMeasure::kRiskDifference) {
    // escalc: 0.5 added to every cell of a study with a zero cell; a study
    // without events in either arm stays in (RD = 0 carries information).
    Effect effect;
    if (a == 0 || b == 0 || c == 0 || d == 0) {
      a += 0.5, b += 0.5, c += 0.5, d += 0.5;
      effect.corrected = true;
    }
    const double p1 = a / (a + b), p2 = c / (c + d);
    effect.estimate = p1 - p2;
    effect.variance = p1 * (1 - p1) / (a + b) + p2 * (1 - p2) / (c + d);
    return effect;
  }
  if ((a == 0 && c == 0) || (b == 0 && d == 0)) {
    return absl::FailedPreconditionError(
        absl::StrCat("study '", study,
                     "': no events (or only events) in both arms: excluded"));
  }
  Effect effect;
  if (a == 0 || b == 0 || c == 0 || d == 0) {
    a += 0.5, b += 0.5, c += 0.5, d += 0.5;
    effect.corrected = true;
  }
  if (measure == DichotomousMeasure::kLogRiskRatio) {
    effect.estimate = std::log((a / (a + b)) / (c / (c + d)));
    effect.variance = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d);
  } else {
    effect.estimate = std::log((a * d) / (b * c));
    effect.variance = 1 / a + 1 / b + 1 / c + 1 / d;
  }
  return effect;
}

namespace {

absl::Status CheckContinuous(const std::string& study,
                             const ContinuousArms& arms) {
  if (!std::isfinite(arms.mean_treatment))
    return Invalid(study, "mean_treatment", "finite");
  if (!std::isfinite(arms.mean_control))
    return Invalid(study, "mean_control", "finite");
  if (!std::isfinite(arms.sd_treatment) || arms.sd_treatment <= 0) {
    return Invalid(study, "sd_treatment", "> 0");
  }
  if (!std::isfinite(arms.sd_control) || arms.sd_control <= 0) {
    return Invalid(study, "sd_control", "> 0");
  }
  if (!IsCount(arms.n_treatment) || arms.n_treatment < 2) {
    return Invalid(study, "n_treatment", "a whole number >= 2");
  }
  if (!IsCount(arms.n_control) || arms.n_control < 2) {
    return Invalid(study, "n_control", "a whole number >= 2");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Effect> MeanDifference(const std::string& study,
                                      const ContinuousArms& arms) {
  if (absl::Status s = CheckContinuous(study, arms); !s.ok()) return s;
  return Effect{arms.mean_treatment - arms.mean_control,
                arms.sd_treatment * arms.sd_treatment / arms.n_treatment +
                    arms.sd_control * arms.sd_control / arms.n_control,
                false};
}

absl::StatusOr<Effect> StandardizedMeanDifference(const std::string& study,
                                                  const ContinuousArms& arms,
                                                  SmdConvention convention) {
  if (absl::Status s = CheckContinuous(study, arms); !s.ok()) return s;
  const double n1 = arms.n_treatment, n2 = arms.n_control, n = n1 + n2;
  const double pooled_sd =
      std::sqrt(((n1 - 1) * arms.sd_treatment * arms.sd_treatment +
                 (n2 - 1) * arms.sd_control * arms.sd_control) /
                (n - 2));
  const double d = (arms.mean_treatment - arms.mean_control) / pooled_sd;
  if (convention == SmdConvention::kMetafor) {
    // Hedges' exact correction J(m) = G(m/2) / (sqrt(m/2) G((m-1)/2)), m = n -
    // 2, and vtype "LS": 1/n1 + 1/n2 + g^2 / (2 n).
    const double m = n - 2;
    const double j = std::exp(std::lgamma(m / 2) - 0.5 * std::log(m / 2) -
                              std::lgamma((m - 1) / 2));
    const double g = j * d;
    return Effect{g, 1 / n1 + 1 / n2 + g * g / (2 * n), false};
  }
  // RevMan 5 (Deeks & Higgins 2010): g = d (1 - 3 / (4N - 9)),
  // SE^2 = N / (n1 n2) + g^2 / (2 (N - 3.94)).
  const double g = d * (1 - 3 / (4 * n - 9));
  return Effect{g, n / (n1 * n2) + g * g / (2 * (n - 3.94)), false};
}

}  // namespace kip::meta
