#include "services/analytics/outcomes/study_outcomes.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clinical/dose_accounting.h"
#include "google/protobuf/util/time_util.h"
#include "services/analytics/outcomes/logistic_regression.h"

namespace kip::outcomes {
namespace {

namespace av1 = kip::analytics::v1;
namespace sv1 = kip::sessions::v1;

absl::Time DeviceTime(const sv1::Event& e) {
  return absl::FromUnixMicros(
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(
          e.device_time()));
}

std::vector<sv1::Event> CorrectedEvents(
    const sv1::GetSessionResponse& session) {
  return kip::clinical::ApplyCorrections(
      {session.events().begin(), session.events().end()});
}

constexpr char kBlindedLabel[] = "blinded";

// What one patient contributes.
struct PatientOutcome {
  std::string arm;
  std::optional<double> change;     // pain, NRS points (negative = better)
  std::optional<double> reduction;  // fraction of baseline
  bool side_effect = false;
  double mean_rate_mg_per_kg_per_h = 0;
};

PatientOutcome Summarise(const LoggedPatient& p,
                         const av1::ComputeStudyOutcomesRequest& request,
                         const std::string& side_effect) {
  PatientOutcome out;
  // A blinded study's patients are one group under one label until an admin
  // unblinds it (issue #15): the sessions service withholds their arms.
  out.arm = p.patient.arm_withheld() ? kBlindedLabel : p.patient.arm_id();
  std::vector<const sv1::GetSessionResponse*> sessions;
  for (const auto& s : p.sessions) sessions.push_back(&s);
  std::sort(sessions.begin(), sessions.end(), [](auto* a, auto* b) {
    return a->session().start_time().seconds() <
           b->session().start_time().seconds();
  });
  std::optional<double> baseline, end, follow_up;
  int follow_up_day_seen = -1;
  double mg = 0, hours = 0;
  for (const auto* session : sessions) {
    std::vector<sv1::Event> events = CorrectedEvents(*session);
    mg += kip::clinical::DeliveredMg(events, p.patient.baseline_weight_kg(),
                                     absl::InfinitePast(),
                                     absl::InfiniteFuture());
    hours += kip::clinical::InfusedHours(events, absl::InfinitePast(),
                                         absl::InfiniteFuture());
    std::stable_sort(events.begin(), events.end(),
                     [](const sv1::Event& a, const sv1::Event& b) {
                       return DeviceTime(a) < DeviceTime(b);
                     });
    for (const sv1::Event& e : events) {
      if (e.has_side_effect() && absl::AsciiStrToLower(sv1::SideEffectType_Name(
                                     e.side_effect().type())) == side_effect) {
        out.side_effect = true;
      }
      if (!e.has_pain_score()) continue;
      const auto& pain = e.pain_score();
      if (pain.timepoint() == sv1::BASELINE && !baseline.has_value())
        baseline = pain.nrs();
      if (pain.timepoint() == sv1::END)
        end = pain.nrs();  // the last END of the course
      if (pain.timepoint() == sv1::FOLLOW_UP &&
          (request.follow_up_day() == 0
               ? pain.follow_up_day() >= follow_up_day_seen
               : pain.follow_up_day() == request.follow_up_day())) {
        follow_up = pain.nrs();
        follow_up_day_seen = pain.follow_up_day();
      }
    }
  }
  if (!baseline.has_value()) baseline = p.patient.baseline_pain_nrs();
  if (hours > 0)
    out.mean_rate_mg_per_kg_per_h = mg / p.patient.baseline_weight_kg() / hours;
  const bool use_follow_up =
      request.outcome() == av1::PAIN_CHANGE_FOLLOW_UP ||
      ((request.outcome() == av1::RESPONDERS_30_PERCENT ||
        request.outcome() == av1::RESPONDERS_50_PERCENT) &&
       follow_up.has_value());
  const std::optional<double> after = use_follow_up ? follow_up : end;
  if (after.has_value()) {
    out.change = *after - *baseline;
    if (*baseline > 0) out.reduction = (*baseline - *after) / *baseline;
  }
  return out;
}

std::string BandName(const av1::DoseBand& band) {
  return band.upper_mg_per_kg_per_h() > 0
             ? absl::StrFormat("%g-%g mg/kg/h", band.lower_mg_per_kg_per_h(),
                               band.upper_mg_per_kg_per_h())
             : absl::StrFormat(">= %g mg/kg/h", band.lower_mg_per_kg_per_h());
}

bool InBand(double rate, const av1::DoseBand& band) {
  // Rates computed as mg / kg / h land a rounding error off a band edge.
  rate = std::round(rate * 1e9) / 1e9;
  return rate >= band.lower_mg_per_kg_per_h() &&
         (band.upper_mg_per_kg_per_h() <= 0 ||
          rate < band.upper_mg_per_kg_per_h());
}

// Mean, sample SD, n of the continuous outcome; events/n of the dichotomous.
av1::ArmOutcome Aggregate(const std::string& arm, const std::string& band,
                          const std::vector<const PatientOutcome*>& group,
                          const av1::ComputeStudyOutcomesRequest& request) {
  av1::ArmOutcome out;
  out.set_arm_id(arm);
  out.set_dose_band(band);
  const bool dichotomous = request.outcome() == av1::RESPONDERS_30_PERCENT ||
                           request.outcome() == av1::RESPONDERS_50_PERCENT ||
                           request.outcome() == av1::SIDE_EFFECT;
  const double threshold =
      request.outcome() == av1::RESPONDERS_50_PERCENT ? 0.5 : 0.3;
  std::vector<double> values;
  double dose = 0;
  for (const PatientOutcome* p : group) {
    dose += p->mean_rate_mg_per_kg_per_h;
    if (request.outcome() == av1::SIDE_EFFECT) {
      values.push_back(p->side_effect ? 1 : 0);
    } else if (dichotomous) {
      if (p->reduction.has_value())
        values.push_back(*p->reduction >= threshold - 1e-12 ? 1 : 0);
    } else if (p->change.has_value()) {
      values.push_back(*p->change);
    }
  }
  out.set_n(static_cast<int64_t>(values.size()));
  if (!group.empty()) out.set_mean_dose_mg_per_kg(dose / group.size());
  if (values.empty()) return out;
  double sum = 0;
  for (double v : values) sum += v;
  if (dichotomous) {
    out.set_events(static_cast<int64_t>(sum));
    return out;
  }
  const double mean = sum / values.size();
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  out.set_mean(mean);
  out.set_sd(values.size() > 1 ? std::sqrt(ss / (values.size() - 1)) : 0);
  return out;
}

}  // namespace

absl::StatusOr<av1::ComputeStudyOutcomesResponse> ComputeOutcomes(
    const std::vector<LoggedPatient>& patients,
    const av1::ComputeStudyOutcomesRequest& request) {
  switch (request.outcome()) {
    case av1::PAIN_CHANGE_END_OF_COURSE:
    case av1::PAIN_CHANGE_FOLLOW_UP:
    case av1::RESPONDERS_30_PERCENT:
    case av1::RESPONDERS_50_PERCENT:
      break;
    case av1::SIDE_EFFECT: {
      sv1::SideEffectType type;
      if (!sv1::SideEffectType_Parse(
              absl::AsciiStrToUpper(request.side_effect_type()), &type) ||
          type == sv1::SIDE_EFFECT_TYPE_UNSPECIFIED) {
        return absl::InvalidArgumentError(
            absl::StrCat("side_effect_type: '", request.side_effect_type(),
                         "' is not in the sessions "
                         "vocabulary (nausea, hallucinations, sedation, ...)"));
      }
      break;
    }
    case av1::SLEEP_QUALITY:
      return absl::FailedPreconditionError(
          "outcome: sleep quality is not logged by the sessions service (no "
          "such event)");
    default:
      return absl::InvalidArgumentError(
          "outcome: is required (an OutcomeKind)");
  }
  if (request.follow_up_day() < 0) {
    return absl::InvalidArgumentError("follow_up_day: must be >= 0");
  }
  std::vector<av1::DoseBand> bands(request.dose_bands().begin(),
                                   request.dose_bands().end());
  if (bands.empty()) {
    // Issue #5 / seed 002 dose groups.
    for (auto [lo, hi] : {std::pair{0.1, 0.5}, {0.5, 1.0}, {1.0, 0.0}}) {
      av1::DoseBand band;
      band.set_lower_mg_per_kg_per_h(lo);
      band.set_upper_mg_per_kg_per_h(hi);
      bands.push_back(band);
    }
  }
  for (size_t i = 0; i < bands.size(); ++i) {
    const auto& b = bands[i];
    if (!(b.lower_mg_per_kg_per_h() >= 0) ||
        (b.upper_mg_per_kg_per_h() != 0 &&
         b.upper_mg_per_kg_per_h() <= b.lower_mg_per_kg_per_h())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "dose_bands[", i, "]: needs 0 <= lower < upper (upper 0 = open)"));
    }
  }
  const std::string side_effect =
      absl::AsciiStrToLower(request.side_effect_type());
  std::vector<PatientOutcome> outcomes;
  for (const LoggedPatient& p : patients)
    outcomes.push_back(Summarise(p, request, side_effect));

  av1::ComputeStudyOutcomesResponse response;
  std::map<std::string, std::vector<const PatientOutcome*>> by_arm;
  for (const PatientOutcome& o : outcomes) by_arm[o.arm].push_back(&o);
  for (const auto& [arm, group] : by_arm) {
    *response.add_arms() = Aggregate(arm, "all", group, request);
    if (arm == request.control_arm_id()) continue;
    for (const auto& band : bands) {
      std::vector<const PatientOutcome*> in_band;
      for (const PatientOutcome* p : group) {
        if (InBand(p->mean_rate_mg_per_kg_per_h, band)) in_band.push_back(p);
      }
      if (!in_band.empty())
        *response.add_arms() = Aggregate(arm, BandName(band), in_band, request);
    }
  }
  if (request.treatment_arm_id().empty() || request.control_arm_id().empty())
    return response;
  if (by_arm.count(kBlindedLabel)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "study_id: study '", request.study_id(),
        "' is blinded; its outcomes are reported pooled under the label '",
        kBlindedLabel,
        "' until an admin unblinds it, so there is no treatment "
        "and control to compare"));
  }
  if (!by_arm.count(request.treatment_arm_id()) ||
      !by_arm.count(request.control_arm_id())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "treatment_arm_id/control_arm_id: the study has no patients in arm '",
        by_arm.count(request.treatment_arm_id()) ? request.control_arm_id()
                                                 : request.treatment_arm_id(),
        "'"));
  }
  const av1::ArmOutcome control =
      Aggregate(request.control_arm_id(), "all",
                by_arm[request.control_arm_id()], request);
  for (const av1::ArmOutcome& arm : response.arms()) {
    if (arm.arm_id() != request.treatment_arm_id() || arm.dose_band() == "all")
      continue;
    av1::StudyData* row = response.add_rows();
    row->set_study(
        absl::StrCat(request.study_id(), " (", arm.dose_band(), ")"));
    row->set_subgroup(arm.dose_band());
    // The dose these patients received, for meta-regression on dose.
    (*row->mutable_moderators())["dose_mg_per_kg_per_h"] =
        arm.mean_dose_mg_per_kg();
    if (request.outcome() == av1::PAIN_CHANGE_END_OF_COURSE ||
        request.outcome() == av1::PAIN_CHANGE_FOLLOW_UP) {
      if (arm.n() < 2 || control.n() < 2 || arm.sd() <= 0 || control.sd() <= 0)
        continue;
      auto* c = row->mutable_continuous();
      c->set_mean_treatment(arm.mean());
      c->set_sd_treatment(arm.sd());
      c->set_n_treatment(arm.n());
      c->set_mean_control(control.mean());
      c->set_sd_control(control.sd());
      c->set_n_control(control.n());
    } else {
      auto* d = row->mutable_dichotomous();
      d->set_events_treatment(arm.events());
      d->set_total_treatment(arm.n());
      d->set_events_control(control.events());
      d->set_total_control(control.n());
    }
  }
  return response;
}

absl::StatusOr<av1::AnalyzeBaselinePredictorsResponse> AnalyzePredictors(
    const std::vector<LoggedPatient>& patients,
    const av1::AnalyzeBaselinePredictorsRequest& request) {
  double threshold = request.responder_threshold_percent();
  if (threshold == 0) threshold = 30;
  if (!(threshold > 0 && threshold <= 100)) {
    return absl::InvalidArgumentError(
        "responder_threshold_percent: must be within (0, 100]");
  }
  av1::ComputeStudyOutcomesRequest outcome;
  outcome.set_outcome(av1::RESPONDERS_30_PERCENT);
  av1::AnalyzeBaselinePredictorsResponse response;
  std::vector<double> ts, cpm;
  std::vector<int> ts_y, cpm_y;
  for (const LoggedPatient& p : patients) {
    if (!request.arm_id().empty() && p.patient.arm_id() != request.arm_id())
      continue;
    const PatientOutcome o = Summarise(p, outcome, "");
    if (!o.reduction.has_value()) continue;
    const int responder = *o.reduction >= threshold / 100 - 1e-12 ? 1 : 0;
    response.set_n(response.n() + 1);
    response.set_responders(response.responders() + responder);
    if (p.patient.has_temporal_summation_nrs()) {
      ts.push_back(p.patient.temporal_summation_nrs());
      ts_y.push_back(responder);
    }
    if (p.patient.has_conditioned_pain_modulation_nrs()) {
      cpm.push_back(p.patient.conditioned_pain_modulation_nrs());
      cpm_y.push_back(responder);
    }
  }
  response.set_converged(true);
  for (auto [name, x, y] :
       {std::tuple{"temporal_summation_nrs", &ts, &ts_y},
        std::tuple{"conditioned_pain_modulation_nrs", &cpm, &cpm_y}}) {
    if (x->empty()) continue;
    absl::StatusOr<LogisticFit> fit = FitLogistic(*x, *y);
    if (!fit.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat(name, ": ", fit.status().message()));
    }
    av1::PredictorOddsRatio* out = response.add_predictors();
    out->set_predictor(name);
    out->set_odds_ratio(fit->odds_ratio);
    out->set_ci_lower(fit->ci_lower);
    out->set_ci_upper(fit->ci_upper);
    out->set_p_value(fit->p_value);
  }
  if (response.predictors().empty()) {
    return absl::FailedPreconditionError(
        "no patient has both a baseline QST predictor and a pain outcome");
  }
  return response;
}

}  // namespace kip::outcomes
