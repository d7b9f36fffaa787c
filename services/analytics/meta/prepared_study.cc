#include "services/analytics/meta/prepared_study.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/analytics/meta/conversions.h"

namespace kip::meta {

bool IsRatio(av1::EffectMeasure m) {
  return m == av1::RR || m == av1::OR || m == av1::PETO_OR;
}

double Report(av1::EffectMeasure m, double value) {
  return IsRatio(m) ? std::exp(value) : value;
}

namespace {

// The hypergeometric variance of the treatment arm's events (Peto's V).
double PetoVariance(const DichotomousArms& t) {
  const double n = t.total_treatment + t.total_control;
  const double events = t.events_treatment + t.events_control;
  return t.total_treatment * t.total_control * events * (n - events) /
         (n * n * (n - 1));
}

// MD or SMD from two arms' means and SDs, as the measure and convention ask.
absl::StatusOr<Effect> ArmsEffect(const std::string& at,
                                  const av1::MetaAnalysisOptions& o,
                                  const ContinuousArms& arms) {
  if (o.measure() != av1::MD && o.measure() != av1::SMD) {
    return absl::InvalidArgumentError(at +
                                      ": continuous data gives MD or SMD only");
  }
  if (o.measure() == av1::MD) return MeanDifference(at, arms);
  return StandardizedMeanDifference(at, arms,
                                    o.convention() == av1::METAFOR
                                        ? SmdConvention::kMetafor
                                        : SmdConvention::kRevMan5);
}

absl::StatusOr<Prepared> WithEffect(Prepared p, absl::StatusOr<Effect> effect) {
  if (!effect.ok()) return effect.status();
  p.effect = *effect;
  return p;
}

FiveNumbers FiveNumbersOf(const av1::ArmMedian& a) {
  FiveNumbers f;
  f.n = static_cast<double>(a.n());
  f.median = a.median();
  if (a.has_q1()) f.q1 = a.q1();
  if (a.has_q3()) f.q3 = a.q3();
  if (a.has_min()) f.min = a.min();
  if (a.has_max()) f.max = a.max();
  return f;
}

BaselineFinal BaselineFinalOf(const av1::ArmChange& a) {
  return {static_cast<double>(a.n()),
          a.mean_baseline(),
          a.sd_baseline(),
          a.mean_final(),
          a.sd_final(),
          a.correlation()};
}

// A 2x2 table's effect (RR, OR, RD or Peto OR), or why it is excluded.
absl::StatusOr<Prepared> DichotomousStudy(Prepared p, const std::string& at,
                                          const av1::DichotomousData& d,
                                          const av1::MetaAnalysisOptions& o) {
  if (o.measure() == av1::MD || o.measure() == av1::SMD) {
    return absl::InvalidArgumentError(
        at + ": dichotomous data cannot give MD or SMD");
  }
  p.has_table = true;
  p.table = {static_cast<double>(d.events_treatment()),
             static_cast<double>(d.total_treatment()),
             static_cast<double>(d.events_control()),
             static_cast<double>(d.total_control())};
  if (o.measure() == av1::PETO_OR) {
    if (!(PetoVariance(p.table) > 0)) {
      p.excluded_reason = "no events, or only events, in both arms";
      return p;
    }
    // The study's own row: metafor's rma.peto shows a zero-cell table's
    // Peto OR with 0.5 added to each cell; RevMan 5 shows it as is. The
    // pooled result uses the tables as they are either way.
    const bool zero_cell =
        p.table.events_treatment == 0 || p.table.events_control == 0 ||
        p.table.events_treatment == p.table.total_treatment ||
        p.table.events_control == p.table.total_control;
    DichotomousArms shown = p.table;
    if (zero_cell && o.convention() == av1::METAFOR) {
      shown = {shown.events_treatment + 0.5, shown.total_treatment + 1,
               shown.events_control + 0.5, shown.total_control + 1};
      p.effect.corrected = true;
    }
    const double v = PetoVariance(shown);
    const double n = shown.total_treatment + shown.total_control;
    const double events = shown.events_treatment + shown.events_control;
    p.effect.estimate =
        (shown.events_treatment - events * shown.total_treatment / n) / v;
    p.effect.variance = 1 / v;
    return p;
  }
  const DichotomousMeasure measure =
      o.measure() == av1::RR   ? DichotomousMeasure::kLogRiskRatio
      : o.measure() == av1::OR ? DichotomousMeasure::kLogOddsRatio
                               : DichotomousMeasure::kRiskDifference;
  absl::StatusOr<Effect> e = DichotomousEffect(at, p.table, measure);
  if (absl::IsFailedPrecondition(e.status())) {
    p.excluded_reason = "no events, or only events, in both arms";
    return p;
  }
  if (!e.ok()) return e.status();
  p.effect = *e;
  return p;
}

}  // namespace

absl::StatusOr<Prepared> PrepareStudy(const av1::StudyData& s, int index,
                                      const av1::MetaAnalysisOptions& o) {
  Prepared p;
  p.name = s.study().empty() ? absl::StrCat("study ", index + 1) : s.study();
  p.subgroup = s.subgroup();
  p.year = s.year();
  const std::string at = absl::StrCat("studies[", index, "] (", p.name, ")");
  switch (s.data_case()) {
    case av1::StudyData::kDichotomous:
      return DichotomousStudy(std::move(p), at, s.dichotomous(), o);
    case av1::StudyData::kContinuous: {
      const auto& c = s.continuous();
      return WithEffect(
          std::move(p),
          ArmsEffect(at, o,
                     {c.mean_treatment(), c.sd_treatment(),
                      static_cast<double>(c.n_treatment()), c.mean_control(),
                      c.sd_control(), static_cast<double>(c.n_control())}));
    }
    case av1::StudyData::kMedian: {
      absl::StatusOr<MeanSd> t = MeanSdFromMedian(
          at + ".median.treatment", FiveNumbersOf(s.median().treatment()));
      if (!t.ok()) return t.status();
      absl::StatusOr<MeanSd> c = MeanSdFromMedian(
          at + ".median.control", FiveNumbersOf(s.median().control()));
      if (!c.ok()) return c.status();
      return WithEffect(
          std::move(p),
          ArmsEffect(
              at, o,
              {t->mean, t->sd, static_cast<double>(s.median().treatment().n()),
               c->mean, c->sd, static_cast<double>(s.median().control().n())}));
    }
    case av1::StudyData::kChange: {
      absl::StatusOr<MeanSd> t = ChangeFromBaseline(
          at + ".change.treatment", BaselineFinalOf(s.change().treatment()));
      if (!t.ok()) return t.status();
      absl::StatusOr<MeanSd> c = ChangeFromBaseline(
          at + ".change.control", BaselineFinalOf(s.change().control()));
      if (!c.ok()) return c.status();
      return WithEffect(
          std::move(p),
          ArmsEffect(
              at, o,
              {t->mean, t->sd, static_cast<double>(s.change().treatment().n()),
               c->mean, c->sd, static_cast<double>(s.change().control().n())}));
    }
    case av1::StudyData::kPaired: {
      if (o.measure() != av1::MD) {
        return absl::InvalidArgumentError(
            at + ": paired (crossover) data give MD only");
      }
      const auto& d = s.paired();
      return WithEffect(
          std::move(p),
          PairedMeanDifference(
              at + ".paired",
              {static_cast<double>(d.n()), d.mean_treatment(), d.sd_treatment(),
               d.mean_control(), d.sd_control(), d.correlation()}));
    }
    case av1::StudyData::kInterval: {
      const auto& d = s.interval();
      return WithEffect(
          std::move(p),
          EffectFromInterval(at + ".interval", d.estimate(), d.ci_lower(),
                             d.ci_upper(), d.confidence_level(),
                             IsRatio(o.measure())));
    }
    case av1::StudyData::kGeneric: {
      const auto& g = s.generic();
      if (!std::isfinite(g.estimate()) || !std::isfinite(g.se()) ||
          g.se() <= 0) {
        return absl::InvalidArgumentError(
            at + ".generic: estimate finite and se > 0 required");
      }
      p.effect = {g.estimate(), g.se() * g.se(), false};
      return p;
    }
    case av1::StudyData::DATA_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      at +
      ": needs dichotomous, continuous, median, change, paired, "
      "interval or generic data");
}

Tau2Method Tau2Of(av1::Tau2Estimator e) {
  switch (e) {
    case av1::REML:
      return Tau2Method::kRestrictedML;
    case av1::MAXIMUM_LIKELIHOOD:
      return Tau2Method::kML;
    case av1::PAULE_MANDEL:
      return Tau2Method::kPauleMandel;
    case av1::HEDGES:
      return Tau2Method::kHedges;
    case av1::SIDIK_JONKMAN:
      return Tau2Method::kSidikJonkman;
    default:
      return Tau2Method::kDerSimonianLaird;
  }
}

}  // namespace kip::meta
