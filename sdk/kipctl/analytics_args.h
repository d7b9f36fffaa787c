// What kipctl's analytics commands parse alike: the effect measure, the tau^2
// estimator, and numbers for JSON (NaN as null).
#ifndef KIP_SDK_KIPCTL_ANALYTICS_ARGS_H_
#define KIP_SDK_KIPCTL_ANALYTICS_ARGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "kip/analytics/v1/analytics.pb.h"
#include "nlohmann/json.hpp"

namespace kip::kipctl {

// "md", "RR", ... -> the measure; the error lists the ones allowed.
absl::StatusOr<kip::analytics::v1::EffectMeasure> ParseMeasure(
    const std::string& name);
// "DL", "reml", ... -> the estimator.
absl::StatusOr<kip::analytics::v1::Tau2Estimator> ParseTau2(
    const std::string& name);
// A JSON number, or null for NaN or infinity.
nlohmann::json JsonNumber(double value);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_ANALYTICS_ARGS_H_
