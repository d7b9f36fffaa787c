#include "services/dosing/core/titration.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/status_macros.h"
#include "services/dosing/core/dose_math.h"
#include "services/dosing/core/program_check.h"

namespace kip::dosing {
namespace {

absl::Status Range(const std::string& path, bool present, double value,
                   double lo, double hi, const std::string& unit) {
  if (present && (!std::isfinite(value) || value < lo || value > hi)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": ", value, " is outside ", lo, "..", hi, " ", unit));
  }
  return absl::OkStatus();
}

absl::Status ValidateObservations(const v1::Observations& o) {
  KIP_RETURN_IF_ERROR(Range("observations.pain_nrs", o.has_pain_nrs(),
                            o.pain_nrs(), 0, 10, "NRS"));
  KIP_RETURN_IF_ERROR(Range("observations.sedation_score",
                            o.has_sedation_score(), o.sedation_score(), 0, 10,
                            "points"));
  KIP_RETURN_IF_ERROR(Range("observations.spo2_percent", o.has_spo2_percent(),
                            o.spo2_percent(), 0, 100, "%"));
  KIP_RETURN_IF_ERROR(Range("observations.respiratory_rate_per_min",
                            o.has_respiratory_rate_per_min(),
                            o.respiratory_rate_per_min(), 0, 100, "/min"));
  KIP_RETURN_IF_ERROR(Range("observations.heart_rate_per_min",
                            o.has_heart_rate_per_min(), o.heart_rate_per_min(),
                            0, 300, "/min"));
  KIP_RETURN_IF_ERROR(Range("observations.systolic_bp_mmhg",
                            o.has_systolic_bp_mmhg(), o.systolic_bp_mmhg(), 0,
                            300, "mmHg"));
  KIP_RETURN_IF_ERROR(Range("observations.diastolic_bp_mmhg",
                            o.has_diastolic_bp_mmhg(), o.diastolic_bp_mmhg(), 0,
                            200, "mmHg"));
  // The sessions service's side-effect vocabulary.
  static const std::set<std::string> kKnown = {
      "nausea",       "vomiting",     "hallucinations", "sedation",
      "dissociation", "hypertension", "dysphoria",      "dizziness",
      "headache",     "tachycardia",  "other"};
  for (int i = 0; i < o.side_effects_size(); ++i) {
    if (!kKnown.count(absl::AsciiStrToLower(o.side_effects(i)))) {
      return absl::InvalidArgumentError(
          absl::StrCat("observations.side_effects[", i, "]: '",
                       o.side_effects(i).substr(0, 40),
                       "' is not in the vocabulary (nausea, vomiting, "
                       "hallucinations, sedation, "
                       "dissociation, hypertension, dysphoria, dizziness, "
                       "headache, tachycardia, other)"));
    }
  }
  return absl::OkStatus();
}

struct Reading {
  bool present;
  double value;
};

Reading ReadingFor(const v1::Observations& o, v1::VitalSign sign) {
  switch (sign) {
    case v1::SPO2:
      return {o.has_spo2_percent(), o.spo2_percent()};
    case v1::RESPIRATORY_RATE:
      return {o.has_respiratory_rate_per_min(), o.respiratory_rate_per_min()};
    case v1::HEART_RATE:
      return {o.has_heart_rate_per_min(), o.heart_rate_per_min()};
    case v1::SYSTOLIC_BP:
      return {o.has_systolic_bp_mmhg(), o.systolic_bp_mmhg()};
    case v1::DIASTOLIC_BP:
      return {o.has_diastolic_bp_mmhg(), o.diastolic_bp_mmhg()};
    case v1::SEDATION_SCORE:
      return {o.has_sedation_score(), static_cast<double>(o.sedation_score())};
    default:
      return {false, 0};
  }
}

}  // namespace

absl::StatusOr<v1::ProposeTitrationResponse> ProposeTitration(
    const ProtocolLibrary& library,
    const v1::ProposeTitrationRequest& request) {
  KIP_ASSIGN_OR_RETURN(protocol, FindProtocol(library, request.protocol_id()));
  KIP_ASSIGN_OR_RETURN(limits,
                       CheckCareArea(library, *protocol, request.care_area()));
  KIP_ASSIGN_OR_RETURN(
      weight, ComputeDosingWeight(request.patient(), protocol->weight_basis(),
                                  "patient"));
  const bool with_volume = request.concentration_mg_per_ml() != 0;
  if (with_volume) {
    KIP_RETURN_IF_ERROR(
        CheckConcentration(*protocol, request.concentration_mg_per_ml()));
  }
  const double current = request.current_rate_mg_per_h();
  if (!std::isfinite(current) || current < 0 ||
      current > limits->continuous_rate_max_mg_per_kg_per_h() * weight.kg *
                    (1 + 1e-9)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "current_rate_mg_per_h: %g is outside 0..%g mg/h (the drug library's "
        "%g mg/kg/h x "
        "%.1f kg)",
        current, limits->continuous_rate_max_mg_per_kg_per_h() * weight.kg,
        limits->continuous_rate_max_mg_per_kg_per_h(), weight.kg));
  }
  if (request.since_last_change().seconds() < 0) {
    return absl::InvalidArgumentError(
        "since_last_change: must not be negative");
  }
  const v1::Observations& obs = request.observations();
  KIP_RETURN_IF_ERROR(ValidateObservations(obs));

  const v1::RateRange& range = protocol->rate();
  const bool per_kg = range.unit() == v1::MG_PER_KG_PER_H;
  auto mg_per_h = [&](double v) { return per_kg ? v * weight.kg : v; };
  const double min_mg_h = mg_per_h(range.min());
  const double max_mg_h =
      std::min(mg_per_h(range.max()),
               limits->continuous_rate_max_mg_per_kg_per_h() * weight.kg);
  const double step_mg_h = mg_per_h(range.titration_step());

  v1::ProposeTitrationResponse response;
  *response.mutable_library() = library.version();
  auto decide = [&](v1::TitrationAction action, double new_rate,
                    std::string rule, std::string why) {
    response.set_action(action);
    response.set_new_rate_mg_per_h(new_rate);
    response.set_new_rate_mg_per_kg_per_h(new_rate / weight.kg);
    if (with_volume) {
      response.set_new_rate_ml_per_h(
          ToPumpRate(new_rate, request.concentration_mg_per_ml(),
                     kDefaultPumpResolutionMlPerH)
              .programmed_ml_per_h);
    }
    response.set_rule_id(std::move(rule));
    response.set_rule_description(std::move(why));
    *response.mutable_next_review_after() = range.titration_interval();
    return response;
  };

  // 1-2. Vital-sign stop rules win: any critical reading stops, a warning
  // pauses.
  for (bool critical : {true, false}) {
    for (const v1::StopRule& rule : protocol->stop_rules()) {
      const Reading r = ReadingFor(obs, rule.vital_sign());
      if (!r.present) continue;
      const std::string name =
          absl::AsciiStrToLower(v1::VitalSign_Name(rule.vital_sign()));
      const bool has_below =
          critical ? rule.has_critical_below() : rule.has_warning_below();
      const double below =
          critical ? rule.critical_below() : rule.warning_below();
      const bool has_above =
          critical ? rule.has_critical_above() : rule.has_warning_above();
      const double above =
          critical ? rule.critical_above() : rule.warning_above();
      const char* level = critical ? "critical" : "warning";
      const v1::TitrationAction action = critical ? v1::STOP : v1::PAUSE;
      if (has_below && r.value < below) {
        return decide(action, 0,
                      absl::StrCat("stop_rule.", name, ".", level, "_below"),
                      absl::StrFormat("%s %g %s is below the %s bound %g (%s)",
                                      name, r.value, rule.unit(), level, below,
                                      rule.citation().text()));
      }
      if (has_above && r.value > above) {
        return decide(action, 0,
                      absl::StrCat("stop_rule.", name, ".", level, "_above"),
                      absl::StrFormat("%s %g %s is above the %s bound %g (%s)",
                                      name, r.value, rule.unit(), level, above,
                                      rule.citation().text()));
      }
    }
  }
  // 3. Sedation beyond the protocol's limit stops.
  if (protocol->max_sedation_score() > 0 && obs.has_sedation_score() &&
      obs.sedation_score() > protocol->max_sedation_score()) {
    return decide(v1::STOP, 0, "sedation.max",
                  absl::StrCat("sedation score ", obs.sedation_score(),
                               " is above the protocol's ",
                               protocol->max_sedation_score()));
  }
  // 4. Side effects: decrease (by the step, else to the protocol minimum).
  if (!obs.side_effects().empty()) {
    if (current <= min_mg_h * (1 + 1e-9)) {
      return decide(
          v1::PAUSE, 0, "side_effect.at_minimum",
          "side effects at the protocol's minimum rate: pause and review");
    }
    const double lower =
        step_mg_h > 0 ? std::max(min_mg_h, current - step_mg_h) : min_mg_h;
    return decide(
        v1::DECREASE, lower, "side_effect.decrease",
        step_mg_h > 0
            ? "side effects: decrease by one protocol step"
            : "side effects: decrease to the protocol minimum (the source "
              "gives no step)");
  }
  // 5. Pain above target: increase within step, interval and maximum.
  if (obs.has_pain_nrs() && protocol->titration_target_pain_nrs() > 0 &&
      step_mg_h > 0 && obs.pain_nrs() > protocol->titration_target_pain_nrs()) {
    const double interval_s =
        static_cast<double>(range.titration_interval().seconds());
    if (request.since_last_change().seconds() < interval_s) {
      return decide(
          v1::HOLD, current, "titration.interval",
          "pain above target, but the titration interval has not passed");
    }
    if (current + step_mg_h > max_mg_h * (1 + 1e-9)) {
      return decide(v1::HOLD, current, "titration.at_maximum",
                    "pain above target at the maximum rate: hold and review");
    }
    return decide(v1::INCREASE, current + step_mg_h, "titration.increase",
                  "pain above the protocol target: increase by one step");
  }
  if (obs.has_pain_nrs() &&
      (protocol->titration_target_pain_nrs() == 0 || step_mg_h == 0) &&
      range.max() > range.min()) {
    return decide(v1::HOLD, current, "titration.not_specified",
                  "the source gives no titration step or pain target: hold; a "
                  "site sets them "
                  "at clinical sign-off");
  }
  return decide(v1::HOLD, current, "hold", "no rule calls for a change");
}

}  // namespace kip::dosing
