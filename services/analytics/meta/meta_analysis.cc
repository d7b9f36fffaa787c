#include "services/analytics/meta/meta_analysis.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "services/analytics/meta/case_diagnostics.h"
#include "services/analytics/meta/distributions.h"
#include "services/analytics/meta/effect_size.h"
#include "services/analytics/meta/mantel_haenszel.h"
#include "services/analytics/meta/pooling.h"
#include "services/analytics/meta/prepared_study.h"
#include "services/analytics/meta/trim_and_fill.h"

namespace kip::meta {
namespace {

// Pools the included studies of `group` under the options; weights go back
// into `weights` (percent, per study of the group, 0 for excluded ones).
absl::StatusOr<Pooled> PoolGroup(const std::vector<const Prepared*>& group,
                                 const av1::MetaAnalysisOptions& o,
                                 std::vector<double>* weights) {
  std::vector<Effect> effects;
  std::vector<DichotomousArms> tables;
  for (const Prepared* p : group) {
    if (!p->excluded_reason.empty()) continue;
    effects.push_back(p->effect);
    tables.push_back(p->table);
  }
  if (effects.empty())
    return absl::FailedPreconditionError("no study can be pooled");
  const bool revman = o.convention() != av1::METAFOR;
  const bool random = o.model() == av1::RANDOM_EFFECTS;
  absl::StatusOr<Pooled> pooled;
  if (o.method() == av1::MANTEL_HAENSZEL || o.method() == av1::PETO) {
    TableOptions t;
    t.confidence_level = o.confidence_level();
    t.correct_zero_cells = revman;
    t.sato_rd_variance = !revman;
    pooled = o.method() == av1::PETO
                 ? PoolPeto(tables, t)
                 : PoolMantelHaenszel(tables,
                                      o.measure() == av1::RR
                                          ? DichotomousMeasure::kLogRiskRatio
                                      : o.measure() == av1::OR
                                          ? DichotomousMeasure::kLogOddsRatio
                                          : DichotomousMeasure::kRiskDifference,
                                      t);
    if (pooled.ok() && random) {
      // RevMan 5: DerSimonian-Laird with tau^2 from the MH-centred Q.
      const Pooled fixed = *pooled;
      const int df = fixed.q_df;
      double sum_w = 0, sum_w2 = 0;
      for (const Effect& e : effects)
        sum_w += 1 / e.variance, sum_w2 += 1 / (e.variance * e.variance);
      PoolOptions options;
      options.confidence_level = o.confidence_level();
      options.knha = o.hartung_knapp();
      pooled = Pool(effects, options);
      if (pooled.ok()) {
        const double tau2 =
            std::max(0.0, (fixed.q - df) / (sum_w - sum_w2 / sum_w));
        double w_sum = 0, wy = 0;
        for (const Effect& e : effects)
          w_sum += 1 / (e.variance + tau2),
              wy += e.estimate / (e.variance + tau2);
        Pooled& r = *pooled;
        r.tau2 = tau2;
        r.estimate = wy / w_sum;
        r.se = std::sqrt(1 / w_sum);
        const double crit = NormalQuantile(1 - (1 - o.confidence_level()) / 2);
        r.ci_lower = r.estimate - crit * r.se;
        r.ci_upper = r.estimate + crit * r.se;
        r.z = r.estimate / r.se;
        r.p_value = TwoSidedNormalP(r.z);
        r.q = fixed.q;
        r.q_df = fixed.q_df;
        r.q_p_value = fixed.q_p_value;
        r.weight_percent.clear();
        for (const Effect& e : effects)
          r.weight_percent.push_back(100 / (e.variance + tau2) / w_sum);
      }
    }
  } else {
    PoolOptions options;
    options.random_effects = random;
    options.tau2_method = Tau2Of(o.tau2_estimator());
    options.knha = o.hartung_knapp();
    options.confidence_level = o.confidence_level();
    pooled = Pool(effects, options);
  }
  if (!pooled.ok()) return pooled.status();
  Pooled& r = *pooled;
  if (revman) {
    // RevMan 5: I^2 from Q; prediction interval with t on k - 2 df.
    r.i2_percent = r.q_df > 0 && r.q > r.q_df ? 100 * (r.q - r.q_df) / r.q : 0;
    r.h2 = r.q_df > 0 ? r.q / r.q_df : 1;
    if (random && r.k > 2) {
      const double t =
          StudentTQuantile(1 - (1 - o.confidence_level()) / 2, r.k - 2);
      const double half = t * std::sqrt(r.se * r.se + r.tau2);
      r.pi_lower = r.estimate - half;
      r.pi_upper = r.estimate + half;
    } else if (random) {
      r.pi_lower = r.pi_upper = std::nan("");
    }
  }
  if (weights != nullptr) {
    weights->clear();
    size_t next = 0;
    for (const Prepared* p : group) {
      weights->push_back(p->excluded_reason.empty() ? r.weight_percent[next++]
                                                    : 0);
    }
  }
  return pooled;
}

av1::PooledResult ToResult(const Pooled& p, av1::EffectMeasure m,
                           const std::string& name) {
  av1::PooledResult r;
  r.set_name(name);
  r.set_k(p.k);
  r.set_estimate(Report(m, p.estimate));
  r.set_ci_lower(Report(m, p.ci_lower));
  r.set_ci_upper(Report(m, p.ci_upper));
  r.set_se(p.se);
  r.set_z(p.z);
  r.set_p_value(p.p_value);
  r.set_q(p.q);
  r.set_q_df(p.q_df);
  r.set_q_p_value(p.q_p_value);
  r.set_i2(p.i2_percent);
  r.set_tau2(p.tau2);
  r.set_tau2_ci_lower(p.tau2_ci_lower);
  r.set_tau2_ci_upper(p.tau2_ci_upper);
  r.set_h2(p.h2);
  r.set_pi_lower(Report(m, p.pi_lower));
  r.set_pi_upper(Report(m, p.pi_upper));
  return r;
}

absl::Status FillDefaults(av1::MetaAnalysisOptions& o) {
  if (o.measure() == av1::EFFECT_MEASURE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "options.measure: is required (MD, SMD, RR, OR, RD, PETO_OR)");
  }
  if (o.convention() == av1::CONVENTION_UNSPECIFIED)
    o.set_convention(av1::REVMAN5);
  if (o.model() == av1::EFFECT_MODEL_UNSPECIFIED)
    o.set_model(av1::RANDOM_EFFECTS);
  if (o.method() == av1::POOLING_METHOD_UNSPECIFIED) {
    o.set_method(o.measure() == av1::PETO_OR ? av1::PETO
                                             : av1::INVERSE_VARIANCE);
  }
  if (o.tau2_estimator() == av1::TAU2_ESTIMATOR_UNSPECIFIED) {
    o.set_tau2_estimator(av1::DERSIMONIAN_LAIRD);
  }
  if (o.confidence_level() == 0) o.set_confidence_level(0.95);
  if (!(o.confidence_level() > 0 && o.confidence_level() < 1)) {
    return absl::InvalidArgumentError(
        "options.confidence_level: must be within (0, 1)");
  }
  const bool tables =
      o.method() == av1::MANTEL_HAENSZEL || o.method() == av1::PETO;
  if (o.method() == av1::PETO && o.measure() != av1::PETO_OR) {
    return absl::InvalidArgumentError(
        "options.method: PETO pools PETO_OR only");
  }
  if (o.measure() == av1::PETO_OR && o.method() != av1::PETO) {
    return absl::InvalidArgumentError(
        "options.method: PETO_OR is pooled by PETO");
  }
  if (o.method() == av1::MANTEL_HAENSZEL && o.measure() != av1::RR &&
      o.measure() != av1::OR && o.measure() != av1::RD) {
    return absl::InvalidArgumentError(
        "options.method: MANTEL_HAENSZEL pools RR, OR or RD");
  }
  if (tables && o.model() == av1::RANDOM_EFFECTS &&
      o.tau2_estimator() != av1::DERSIMONIAN_LAIRD) {
    return absl::InvalidArgumentError(
        "options.tau2_estimator: random effects after MH/Peto use "
        "DerSimonian-Laird (RevMan 5)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<av1::RunMetaAnalysisResponse> RunMetaAnalysis(
    const av1::RunMetaAnalysisRequest& request) {
  av1::MetaAnalysisOptions o = request.options();
  if (absl::Status s = FillDefaults(o); !s.ok()) return s;
  if (o.trim_and_fill() && o.method() != av1::INVERSE_VARIANCE) {
    return absl::InvalidArgumentError(
        "options.trim_and_fill: needs inverse-variance pooling (as metafor's "
        "trimfill)");
  }
  if (request.studies().empty() || request.studies_size() > 10000) {
    return absl::InvalidArgumentError("studies: 1..10000 studies are required");
  }
  std::vector<Prepared> studies;
  for (int i = 0; i < request.studies_size(); ++i) {
    absl::StatusOr<Prepared> p = PrepareStudy(request.studies(i), i, o);
    if (!p.ok()) return p.status();
    studies.push_back(*std::move(p));
  }
  std::vector<const Prepared*> all;
  for (const Prepared& p : studies) all.push_back(&p);
  std::vector<double> weights;
  absl::StatusOr<Pooled> overall = PoolGroup(all, o, &weights);
  if (!overall.ok()) return overall.status();

  av1::RunMetaAnalysisResponse response;
  response.set_convention(o.convention());
  *response.mutable_options() = o;
  *response.mutable_overall() = ToResult(*overall, o.measure(), "");
  const double crit = NormalQuantile(1 - (1 - o.confidence_level()) / 2);
  for (size_t i = 0; i < studies.size(); ++i) {
    const Prepared& p = studies[i];
    av1::StudyRow* row = response.add_studies();
    row->set_study(p.name);
    row->set_subgroup(p.subgroup);
    row->set_year(p.year);
    if (!p.excluded_reason.empty()) {
      row->set_excluded(true);
      row->set_excluded_reason(p.excluded_reason);
      response.add_warnings(
          absl::StrCat(p.name, " excluded: ", p.excluded_reason));
      continue;
    }
    const double se = std::sqrt(p.effect.variance);
    row->set_estimate(Report(o.measure(), p.effect.estimate));
    row->set_ci_lower(Report(o.measure(), p.effect.estimate - crit * se));
    row->set_ci_upper(Report(o.measure(), p.effect.estimate + crit * se));
    row->set_se(se);
    row->set_weight_percent(weights[i]);
    if (p.has_table) {
      row->set_has_risks(true);
      row->set_treatment_risk(p.table.events_treatment /
                              p.table.total_treatment);
      row->set_control_risk(p.table.events_control / p.table.total_control);
    }
  }

  if (o.by_subgroup()) {
    std::map<std::string, std::vector<const Prepared*>> groups;
    for (const Prepared& p : studies) groups[p.subgroup].push_back(&p);
    double sum_w = 0, sum_wy = 0;
    std::vector<std::pair<double, double>> estimates;  // analysis scale, se
    for (const auto& [name, group] : groups) {
      absl::StatusOr<Pooled> g = PoolGroup(group, o, nullptr);
      if (!g.ok())
        return absl::FailedPreconditionError(
            absl::StrCat("subgroup '", name, "': ", g.status().message()));
      *response.add_subgroups() = ToResult(*g, o.measure(), name);
      estimates.emplace_back(g->estimate, g->se);
      sum_w += 1 / (g->se * g->se);
      sum_wy += g->estimate / (g->se * g->se);
    }
    // RevMan: Q between subgroups on the subgroup estimates, df = groups - 1.
    const double mean = sum_wy / sum_w;
    double q = 0;
    for (const auto& [estimate, se] : estimates)
      q += (estimate - mean) * (estimate - mean) / (se * se);
    av1::SubgroupTest* test = response.mutable_subgroup_test();
    test->set_q(q);
    test->set_df(static_cast<int>(estimates.size()) - 1);
    test->set_p_value(ChiSquareUpperP(q, test->df()));
  }
  if (o.leave_one_out() && studies.size() > 1) {
    for (size_t i = 0; i < studies.size(); ++i) {
      std::vector<const Prepared*> rest;
      for (size_t j = 0; j < studies.size(); ++j) {
        if (j != i) rest.push_back(&studies[j]);
      }
      absl::StatusOr<Pooled> r = PoolGroup(rest, o, nullptr);
      if (r.ok())
        *response.add_leave_one_out() =
            ToResult(*r, o.measure(), studies[i].name);
    }
  }
  if (o.cumulative_by_year()) {
    std::vector<const Prepared*> order = all;
    std::stable_sort(
        order.begin(), order.end(),
        [](const Prepared* a, const Prepared* b) { return a->year < b->year; });
    std::vector<const Prepared*> so_far;
    for (const Prepared* p : order) {
      so_far.push_back(p);
      absl::StatusOr<Pooled> r = PoolGroup(so_far, o, nullptr);
      if (r.ok())
        *response.add_cumulative() = ToResult(*r, o.measure(), p->name);
    }
  }
  if (o.egger_test()) {
    // Egger et al. 1997: regress y/se on 1/se by least squares; the intercept
    // tests funnel asymmetry (t on k - 2 df).
    std::vector<double> x, y;
    for (const Prepared& p : studies) {
      if (!p.excluded_reason.empty()) continue;
      const double se = std::sqrt(p.effect.variance);
      x.push_back(1 / se);
      y.push_back(p.effect.estimate / se);
    }
    const double n = static_cast<double>(x.size());
    if (n >= 3) {
      const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
      const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
      double sxx = 0, sxy = 0;
      for (size_t i = 0; i < x.size(); ++i)
        sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my);
      const double slope = sxy / sxx, intercept = my - slope * mx;
      double rss = 0;
      for (size_t i = 0; i < x.size(); ++i) {
        const double r = y[i] - intercept - slope * x[i];
        rss += r * r;
      }
      const double s2 = rss / (n - 2);
      const double se = std::sqrt(s2 * (1 / n + mx * mx / sxx));
      av1::EggerTest* egger = response.mutable_egger();
      egger->set_intercept(intercept);
      egger->set_se(se);
      egger->set_t(intercept / se);
      egger->set_df(static_cast<int>(n) - 2);
      egger->set_p_value(TwoSidedStudentTP(intercept / se, n - 2));
    } else {
      response.add_warnings("Egger's test needs at least 3 studies");
    }
  }
  if (o.trim_and_fill()) {
    std::vector<Effect> effects;
    for (const Prepared& p : studies) {
      if (p.excluded_reason.empty()) effects.push_back(p.effect);
    }
    PoolOptions options;
    options.random_effects = o.model() == av1::RANDOM_EFFECTS;
    options.tau2_method = Tau2Of(o.tau2_estimator());
    options.knha = o.hartung_knapp();
    options.confidence_level = o.confidence_level();
    absl::StatusOr<TrimAndFillResult> filled = TrimAndFill(effects, options);
    if (!filled.ok()) return filled.status();
    av1::TrimAndFill* out = response.mutable_trim_and_fill();
    out->set_missing_studies(filled->missing_studies);
    out->set_side(filled->right_side ? "right" : "left");
    *out->mutable_adjusted() =
        ToResult(filled->adjusted, o.measure(), "trim-and-fill");
  }
  if (o.influence() || o.baujat_plot()) {
    if (absl::Status s = AddInfluence(studies, o, response); !s.ok()) return s;
  }
  return response;
}

}  // namespace kip::meta
