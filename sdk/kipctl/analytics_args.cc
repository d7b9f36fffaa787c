#include "sdk/kipctl/analytics_args.h"

#include <cmath>
#include <map>

#include "absl/strings/ascii.h"

namespace kip::kipctl {

namespace av1 = kip::analytics::v1;

absl::StatusOr<av1::EffectMeasure> ParseMeasure(const std::string& name) {
  av1::EffectMeasure measure;
  if (!av1::EffectMeasure_Parse(absl::AsciiStrToUpper(name), &measure) ||
      measure == av1::EFFECT_MEASURE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "--measure: '" + name + "' is not MD, SMD, RR, OR, RD or PETO_OR");
  }
  return measure;
}

absl::StatusOr<av1::Tau2Estimator> ParseTau2(const std::string& name) {
  static const auto* const kByName =
      new std::map<std::string, av1::Tau2Estimator>{
          {"DL", av1::DERSIMONIAN_LAIRD},
          {"REML", av1::REML},
          {"ML", av1::MAXIMUM_LIKELIHOOD},
          {"PM", av1::PAULE_MANDEL},
          {"HE", av1::HEDGES},
          {"SJ", av1::SIDIK_JONKMAN}};
  auto it = kByName->find(absl::AsciiStrToUpper(name));
  if (it == kByName->end()) {
    return absl::InvalidArgumentError("--tau2: '" + name +
                                      "' is not DL, REML, ML, PM, HE or SJ");
  }
  return it->second;
}

nlohmann::json JsonNumber(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

}  // namespace kip::kipctl
