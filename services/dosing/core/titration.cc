#include "services/dosing/core/titration.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "services/common/error_details.h"
#include "services/dosing/core/dose_limits.h"
#include "services/dosing/core/dose_math.h"
#include "services/dosing/core/dosing_context.h"

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

DosingInputs InputsOf(const v1::ProposeTitrationRequest& request) {
  DosingInputs inputs = CommonInputs(request);
  inputs.concentration_optional = true;
  return inputs;
}

// The current rate is what the pump runs: never above the drug library's
// maximum.
absl::Status CheckCurrentRate(const DoseLimits& limits, double current) {
  if (std::isfinite(current) && current >= 0 &&
      !Exceeds(current, limits.HardRateMaxMgPerH())) {
    return absl::OkStatus();
  }
  return FieldError(absl::StatusCode::kInvalidArgument, "current_rate_mg_per_h",
                    absl::StrFormat("%g is outside 0..%g mg/h", current,
                                    limits.HardRateMaxMgPerH()),
                    absl::StrFormat("the drug library's %g mg/kg/h x %s",
                                    limits.HardRateMaxMgPerKgPerH(),
                                    limits.hard_weight().reason()),
                    kIheHardLimit);
}

// The rule that decided and the rate it proposes.
struct Decision {
  v1::TitrationAction action;
  double rate_mg_per_h;
  std::string rule_id;
  std::string why;
};

// Vital-sign stop rules win: any critical reading stops, a warning pauses.
std::optional<Decision> StopRuleDecision(const v1::Protocol& protocol,
                                         const v1::Observations& obs) {
  for (bool critical : {true, false}) {
    for (const v1::StopRule& rule : protocol.stop_rules()) {
      const Reading r = ReadingFor(obs, rule.vital_sign());
      if (!r.present) continue;
      const std::string name =
          absl::AsciiStrToLower(v1::VitalSign_Name(rule.vital_sign()));
      const char* level = critical ? "critical" : "warning";
      const v1::TitrationAction action = critical ? v1::STOP : v1::PAUSE;
      const bool has_below =
          critical ? rule.has_critical_below() : rule.has_warning_below();
      const double below =
          critical ? rule.critical_below() : rule.warning_below();
      if (has_below && r.value < below) {
        return Decision{
            action, 0, absl::StrCat("stop_rule.", name, ".", level, "_below"),
            absl::StrFormat("%s %g %s is below the %s bound %g (%s)", name,
                            r.value, rule.unit(), level, below,
                            rule.citation().text())};
      }
      const bool has_above =
          critical ? rule.has_critical_above() : rule.has_warning_above();
      const double above =
          critical ? rule.critical_above() : rule.warning_above();
      if (has_above && r.value > above) {
        return Decision{
            action, 0, absl::StrCat("stop_rule.", name, ".", level, "_above"),
            absl::StrFormat("%s %g %s is above the %s bound %g (%s)", name,
                            r.value, rule.unit(), level, above,
                            rule.citation().text())};
      }
    }
  }
  return std::nullopt;
}

// Sedation beyond the protocol's limit stops.
std::optional<Decision> SedationDecision(const v1::Protocol& protocol,
                                         const v1::Observations& obs) {
  if (protocol.max_sedation_score() > 0 && obs.has_sedation_score() &&
      obs.sedation_score() > protocol.max_sedation_score()) {
    return Decision{v1::STOP, 0, "sedation.max",
                    absl::StrCat("sedation score ", obs.sedation_score(),
                                 " is above the protocol's ",
                                 protocol.max_sedation_score())};
  }
  return std::nullopt;
}

// Side effects: decrease by the step (else to the protocol minimum), never
// to a rate above what may be planned.
std::optional<Decision> SideEffectDecision(const DoseLimits& limits,
                                           double current,
                                           const v1::Observations& obs) {
  if (obs.side_effects().empty()) return std::nullopt;
  const double min_mg_h = limits.ProtocolRateMinMgPerH();
  const double step_mg_h = limits.ProtocolStepMgPerH();
  if (!Exceeds(current, min_mg_h)) {
    return Decision{
        v1::PAUSE, 0, "side_effect.at_minimum",
        "side effects at the protocol's minimum rate: pause and review"};
  }
  const double lower = std::min(
      limits.PlannableRateMaxMgPerH(),
      step_mg_h > 0 ? std::max(min_mg_h, current - step_mg_h) : min_mg_h);
  return Decision{v1::DECREASE, lower, "side_effect.decrease",
                  step_mg_h > 0
                      ? "side effects: decrease by one protocol step"
                      : "side effects: decrease to the protocol minimum (the "
                        "source gives no step)"};
}

// Pain above target: increase within step, interval and maximum; else hold.
Decision PainDecision(const v1::Protocol& protocol, const DoseLimits& limits,
                      const v1::ProposeTitrationRequest& request) {
  const v1::Observations& obs = request.observations();
  const v1::RateRange& range = protocol.rate();
  const double current = request.current_rate_mg_per_h();
  const double step_mg_h = limits.ProtocolStepMgPerH();
  const double target = protocol.titration_target_pain_nrs();
  if (obs.has_pain_nrs() && target > 0 && step_mg_h > 0 &&
      obs.pain_nrs() > target) {
    if (request.since_last_change().seconds() <
        range.titration_interval().seconds()) {
      return {v1::HOLD, current, "titration.interval",
              "pain above target, but the titration interval has not passed"};
    }
    if (Exceeds(current + step_mg_h, limits.PlannableRateMaxMgPerH())) {
      return {v1::HOLD, current, "titration.at_maximum",
              "pain above target at the maximum rate: hold and review"};
    }
    return {v1::INCREASE, current + step_mg_h, "titration.increase",
            "pain above the protocol target: increase by one step"};
  }
  if (obs.has_pain_nrs() && (target == 0 || step_mg_h == 0) &&
      range.max() > range.min()) {
    return {v1::HOLD, current, "titration.not_specified",
            "the source gives no titration step or pain target: hold; a site "
            "sets them at clinical sign-off"};
  }
  return {v1::HOLD, current, "hold", "no rule calls for a change"};
}

v1::ProposeTitrationResponse Respond(const ProtocolLibrary& library,
                                     const DosingContext& context,
                                     const DoseLimits& limits,
                                     Decision decision) {
  v1::ProposeTitrationResponse response;
  *response.mutable_library() = library.version();
  *response.mutable_hard_limit_weight() = limits.hard_weight();
  response.set_max_rate_mg_per_h(limits.PlannableRateMaxMgPerH());
  response.set_action(decision.action);
  response.set_new_rate_mg_per_h(decision.rate_mg_per_h);
  response.set_new_rate_mg_per_kg_per_h(
      limits.DosingMgPerKgPerH(decision.rate_mg_per_h));
  if (context.concentration_mg_per_ml != 0) {
    response.set_new_rate_ml_per_h(ToPumpRate(decision.rate_mg_per_h,
                                              context.concentration_mg_per_ml,
                                              context.pump_resolution_ml_per_h)
                                       .programmed_ml_per_h);
  }
  response.set_rule_id(std::move(decision.rule_id));
  response.set_rule_description(std::move(decision.why));
  *response.mutable_next_review_after() =
      context.protocol->rate().titration_interval();
  return response;
}

}  // namespace

absl::StatusOr<v1::ProposeTitrationResponse> ProposeTitration(
    const ProtocolLibrary& library,
    const v1::ProposeTitrationRequest& request) {
  KIP_ASSIGN_OR_RETURN(context,
                       ResolveDosingContext(library, InputsOf(request)));
  const DoseLimits limits(context);
  const double current = request.current_rate_mg_per_h();
  KIP_RETURN_IF_ERROR(CheckCurrentRate(limits, current));
  if (request.since_last_change().seconds() < 0) {
    return absl::InvalidArgumentError(
        "since_last_change: must not be negative");
  }
  const v1::Observations& obs = request.observations();
  KIP_RETURN_IF_ERROR(ValidateObservations(obs));

  const v1::Protocol& protocol = *context.protocol;
  std::optional<Decision> decision = StopRuleDecision(protocol, obs);
  if (!decision) decision = SedationDecision(protocol, obs);
  if (!decision) decision = SideEffectDecision(limits, current, obs);
  if (!decision) decision = PainDecision(protocol, limits, request);
  return Respond(library, context, limits, *std::move(decision));
}

}  // namespace kip::dosing
