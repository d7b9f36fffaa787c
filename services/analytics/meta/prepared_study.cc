#include "services/analytics/meta/prepared_study.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace kip::meta {

bool IsRatio(av1::EffectMeasure m) {
  return m == av1::RR || m == av1::OR || m == av1::PETO_OR;
}

double Report(av1::EffectMeasure m, double value) {
  return IsRatio(m) ? std::exp(value) : value;
}

absl::StatusOr<Prepared> PrepareStudy(const av1::StudyData& s, int index,
                                      const av1::MetaAnalysisOptions& o) {
  Prepared p;
  p.name = s.study().empty() ? absl::StrCat("study ", index + 1) : s.study();
  p.subgroup = s.subgroup();
  p.year = s.year();
  const std::string at = absl::StrCat("studies[", index, "] (", p.name, ")");
  const bool metafor = o.convention() == av1::METAFOR;
  switch (s.data_case()) {
    case av1::StudyData::kDichotomous: {
      if (o.measure() == av1::MD || o.measure() == av1::SMD) {
        return absl::InvalidArgumentError(
            at + ": dichotomous data cannot give MD or SMD");
      }
      const auto& d = s.dichotomous();
      p.has_table = true;
      p.table = {static_cast<double>(d.events_treatment()),
                 static_cast<double>(d.total_treatment()),
                 static_cast<double>(d.events_control()),
                 static_cast<double>(d.total_control())};
      if (o.measure() == av1::PETO_OR) {
        const auto& t = p.table;
        const double n = t.total_treatment + t.total_control;
        const double events = t.events_treatment + t.events_control;
        const double v = t.total_treatment * t.total_control * events *
                         (n - events) / (n * n * (n - 1));
        if (!(v > 0)) {
          p.excluded_reason = "no events, or only events, in both arms";
          return p;
        }
        p.effect = {(t.events_treatment - events * t.total_treatment / n) / v,
                    1 / v, false};
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
    case av1::StudyData::kContinuous: {
      if (o.measure() != av1::MD && o.measure() != av1::SMD) {
        return absl::InvalidArgumentError(
            at + ": continuous data gives MD or SMD only");
      }
      const auto& c = s.continuous();
      ContinuousArms arms{c.mean_treatment(),
                          c.sd_treatment(),
                          static_cast<double>(c.n_treatment()),
                          c.mean_control(),
                          c.sd_control(),
                          static_cast<double>(c.n_control())};
      absl::StatusOr<Effect> e =
          o.measure() == av1::MD
              ? MeanDifference(at, arms)
              : StandardizedMeanDifference(at, arms,
                                           metafor ? SmdConvention::kMetafor
                                                   : SmdConvention::kRevMan5);
      if (!e.ok()) return e.status();
      p.effect = *e;
      return p;
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
      at + ": needs dichotomous, continuous or generic data");
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
