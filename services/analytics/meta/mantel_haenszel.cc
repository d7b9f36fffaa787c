#include "services/analytics/meta/mantel_haenszel.h"

#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "services/analytics/meta/distributions.h"

namespace kip::meta {
namespace {

struct Table {
  double a, b, c, d, n1, n2, n;  // events/non-events treatment, control
};

absl::StatusOr<std::vector<Table>> Tables(
    const std::vector<DichotomousArms>& studies, bool correct_zero_cells) {
  if (studies.empty())
    return absl::InvalidArgumentError("studies: at least 1 needed");
  std::vector<Table> tables;
  for (size_t i = 0; i < studies.size(); ++i) {
    const DichotomousArms& s = studies[i];
    // Validation of counts is escalc's: reuse it for the study's messages.
    absl::StatusOr<Effect> checked =
        DichotomousEffect(absl::StrCat("studies[", i, "]"), s,
                          DichotomousMeasure::kRiskDifference);
    if (!checked.ok()) return checked.status();
    Table t{s.events_treatment,
            s.total_treatment - s.events_treatment,
            s.events_control,
            s.total_control - s.events_control,
            0,
            0,
            0};
    const bool zero = t.a == 0 || t.b == 0 || t.c == 0 || t.d == 0;
    if (correct_zero_cells && zero)
      t.a += 0.5, t.b += 0.5, t.c += 0.5, t.d += 0.5;
    t.n1 = t.a + t.b;
    t.n2 = t.c + t.d;
    t.n = t.n1 + t.n2;
    tables.push_back(t);
  }
  return tables;
}

// The per-study effect behind Q (metafor rma.mh: escalc with 0.5 added to
// every cell of a zero-cell study, studies with no events or only events in
// both arms dropped).
std::optional<Effect> HeterogeneityEffect(const DichotomousArms& s,
                                          DichotomousMeasure measure) {
  double a = s.events_treatment, b = s.total_treatment - s.events_treatment;
  double c = s.events_control, d = s.total_control - s.events_control;
  if ((a == 0 && c == 0) || (b == 0 && d == 0)) return std::nullopt;
  if (a == 0 || b == 0 || c == 0 || d == 0)
    a += 0.5, b += 0.5, c += 0.5, d += 0.5;
  const double n1 = a + b, n2 = c + d;
  switch (measure) {
    case DichotomousMeasure::kLogRiskRatio:
      return Effect{std::log((a / n1) / (c / n2)),
                    1 / a - 1 / n1 + 1 / c - 1 / n2, false};
    case DichotomousMeasure::kLogOddsRatio:
      return Effect{std::log(a * d / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d,
                    false};
    case DichotomousMeasure::kRiskDifference: {
      const double p1 = a / n1, p2 = c / n2;
      return Effect{p1 - p2, p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2, false};
    }
  }
  return std::nullopt;
}

void Finish(Pooled& pooled, double level) {
  const double crit = NormalQuantile(1 - (1 - level) / 2);
  pooled.ci_lower = pooled.estimate - crit * pooled.se;
  pooled.ci_upper = pooled.estimate + crit * pooled.se;
  pooled.pi_lower = pooled.ci_lower;
  pooled.pi_upper = pooled.ci_upper;
  pooled.z = pooled.estimate / pooled.se;
  pooled.p_value = TwoSidedNormalP(pooled.z);
  pooled.q_p_value = ChiSquareUpperP(pooled.q, pooled.q_df);
  pooled.i2_percent = pooled.q_df > 0 && pooled.q > pooled.q_df
                          ? 100 * (pooled.q - pooled.q_df) / pooled.q
                          : 0;
  pooled.h2 = pooled.q_df > 0 ? pooled.q / pooled.q_df : 1;
}

}  // namespace

absl::StatusOr<Pooled> PoolMantelHaenszel(
    const std::vector<DichotomousArms>& studies, DichotomousMeasure measure,
    const TableOptions& options) {
  absl::StatusOr<std::vector<Table>> tables =
      Tables(studies, options.correct_zero_cells);
  if (!tables.ok()) return tables.status();
  Pooled pooled;
  pooled.k = static_cast<int>(tables->size());
  std::vector<double> weights;
  if (measure == DichotomousMeasure::kLogOddsRatio) {
    double sum_r = 0, sum_s = 0, sum_pr = 0, sum_ps_qr = 0, sum_qs = 0;
    for (const Table& t : *tables) {
      const double r = t.a * t.d / t.n, s = t.b * t.c / t.n;
      const double p = (t.a + t.d) / t.n, q = (t.b + t.c) / t.n;
      sum_r += r, sum_s += s, sum_pr += p * r, sum_ps_qr += p * s + q * r,
          sum_qs += q * s;
      weights.push_back(s);
    }
    if (sum_r <= 0 || sum_s <= 0) {
      return absl::FailedPreconditionError(
          "Mantel-Haenszel OR: no information (all zero)");
    }
    pooled.estimate = std::log(sum_r / sum_s);
    pooled.se = std::sqrt(sum_pr / (2 * sum_r * sum_r) +
                          sum_ps_qr / (2 * sum_r * sum_s) +
                          sum_qs / (2 * sum_s * sum_s));
  } else if (measure == DichotomousMeasure::kLogRiskRatio) {
    double sum_r = 0, sum_s = 0, sum_p = 0;
    for (const Table& t : *tables) {
      const double r = t.a * t.n2 / t.n, s = t.c * t.n1 / t.n;
      sum_r += r, sum_s += s;
      sum_p += (t.n1 * t.n2 * (t.a + t.c) - t.a * t.c * t.n) / (t.n * t.n);
      weights.push_back(s);
    }
    if (sum_r <= 0 || sum_s <= 0) {
      return absl::FailedPreconditionError(
          "Mantel-Haenszel RR: no information (all zero)");
    }
    pooled.estimate = std::log(sum_r / sum_s);
    pooled.se = std::sqrt(sum_p / (sum_r * sum_s));
  } else {
    double sum_num = 0, sum_w = 0, sum_var = 0, sum_p = 0, sum_q = 0;
    for (const Table& t : *tables) {
      const double w = t.n1 * t.n2 / t.n;
      sum_num += (t.a * t.n2 - t.c * t.n1) / t.n;
      sum_w += w;
      sum_var +=
          (t.a * t.b * t.n2 * t.n2 * t.n2 + t.c * t.d * t.n1 * t.n1 * t.n1) /
          (t.n1 * t.n2 * t.n * t.n);
      sum_p += (t.n1 * t.n1 * t.c - t.n2 * t.n2 * t.a +
                t.n1 * t.n2 * (t.n2 - t.n1) / 2) /
               (t.n * t.n);
      sum_q += (t.a * (t.n2 - t.c) + t.c * (t.n1 - t.a)) / (2 * t.n);
      weights.push_back(w);
    }
    pooled.estimate = sum_num / sum_w;
    if (options.sato_rd_variance) sum_var = pooled.estimate * sum_p + sum_q;
    pooled.se = std::sqrt(sum_var / (sum_w * sum_w));
  }
  double sum_weights = 0;
  for (double w : weights) sum_weights += w;
  for (double w : weights)
    pooled.weight_percent.push_back(100 * w / sum_weights);
  // Q around the MH estimate from escalc-style effects (zero cells +0.5,
  // double-zero studies left out of RR/OR).
  int informative = 0;
  for (const DichotomousArms& study : studies) {
    std::optional<Effect> e = HeterogeneityEffect(study, measure);
    if (!e.has_value()) continue;
    pooled.q += (e->estimate - pooled.estimate) *
                (e->estimate - pooled.estimate) / e->variance;
    ++informative;
  }
  pooled.q_df = std::max(0, informative - 1);
  Finish(pooled, options.confidence_level);
  return pooled;
}

absl::StatusOr<Pooled> PoolPeto(const std::vector<DichotomousArms>& studies,
                                const TableOptions& options) {
  absl::StatusOr<std::vector<Table>> tables = Tables(studies, false);
  if (!tables.ok()) return tables.status();
  Pooled pooled;
  pooled.k = static_cast<int>(tables->size());
  double sum_oe = 0, sum_v = 0, sum_oe2_v = 0;
  int informative = 0;
  std::vector<double> weights;
  for (const Table& t : *tables) {
    const double events = t.a + t.c, non_events = t.b + t.d;
    const double expected = events * t.n1 / t.n;
    const double v =
        t.n1 * t.n2 * events * non_events / (t.n * t.n * (t.n - 1));
    weights.push_back(v);
    if (v <= 0) continue;
    sum_oe += t.a - expected;
    sum_v += v;
    sum_oe2_v += (t.a - expected) * (t.a - expected) / v;
    ++informative;
  }
  if (sum_v <= 0)
    return absl::FailedPreconditionError("Peto OR: no information");
  pooled.estimate = sum_oe / sum_v;
  pooled.se = std::sqrt(1 / sum_v);
  for (double w : weights) pooled.weight_percent.push_back(100 * w / sum_v);
  pooled.q = sum_oe2_v - sum_oe * sum_oe / sum_v;
  pooled.q_df = std::max(0, informative - 1);
  Finish(pooled, options.confidence_level);
  return pooled;
}

}  // namespace kip::meta
