#include "services/analytics/meta/network.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/analytics/meta/distributions.h"

namespace kip::meta {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// The contrasts of all studies, stacked.
struct Contrasts {
  VectorXd y;
  MatrixXd s;  // within-study covariance, block diagonal
  MatrixXd
      b;  // random-effects structure: 1 on the diagonal, 1/2 within a study
  MatrixXd x;  // basic parameters: treatment vs reference
  std::vector<std::string> design, treatment;  // per contrast
  int studies = 0;
  std::set<std::string> designs;
};

bool Binary(NetworkMeasure m) { return m != NetworkMeasure::kMeanDifference; }

// An arm's estimate and sampling variance on the analysis scale.
absl::StatusOr<std::pair<double, double>> ArmEstimate(const NetworkArm& a,
                                                      NetworkMeasure m,
                                                      bool corrected) {
  const std::string at =
      absl::StrCat("arms (", a.study, ", ", a.treatment, ")");
  if (!Binary(m)) {
    if (!(a.sd > 0) || !std::isfinite(a.sd) || !(a.n >= 2) ||
        !std::isfinite(a.mean))
      return absl::InvalidArgumentError(
          at + ": needs a finite mean, a finite sd > 0 and n >= 2");
    return std::make_pair(a.mean, a.sd * a.sd / a.n);
  }
  if (!(a.total >= 1) || !(a.events >= 0) || a.events > a.total ||
      a.events != std::floor(a.events) || a.total != std::floor(a.total))
    return absl::InvalidArgumentError(
        at + ": needs whole events within 0..total, total >= 1");
  const double e = a.events + (corrected ? 0.5 : 0);
  const double n = a.total + (corrected ? 1 : 0);
  switch (m) {
    case NetworkMeasure::kLogOddsRatio:
      return std::make_pair(std::log(e / (n - e)), 1 / e + 1 / (n - e));
    case NetworkMeasure::kLogRiskRatio:
      return std::make_pair(std::log(e / n), 1 / e - 1 / n);
    default:
      return std::make_pair(
          a.events / a.total,
          a.events / a.total * (1 - a.events / a.total) / a.total);
  }
}

absl::Status CheckConnected(
    const std::map<std::string, std::vector<const NetworkArm*>>& studies,
    const std::vector<std::string>& treatments) {
  std::map<std::string, std::string> parent;
  for (const std::string& t : treatments) parent[t] = t;
  std::function<std::string(const std::string&)> root =
      [&](const std::string& t) {
        return parent[t] == t ? t : parent[t] = root(parent[t]);
      };
  for (const auto& [name, arms] : studies)
    for (const NetworkArm* a : arms)
      parent[root(a->treatment)] = root(arms[0]->treatment);
  std::vector<std::string> apart;
  for (const std::string& t : treatments)
    if (root(t) != root(treatments[0])) apart.push_back(t);
  if (!apart.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "arms: the network is disconnected: ", absl::StrJoin(apart, ", "),
        " share no path of studies with ", treatments[0]));
  }
  return absl::OkStatus();
}

absl::StatusOr<Contrasts> BuildContrasts(
    const std::vector<std::string>& study_order,
    const std::map<std::string, std::vector<const NetworkArm*>>& studies,
    const std::vector<std::string>& treatments, NetworkMeasure m) {
  std::vector<double> y;
  std::vector<std::vector<double>> x_rows;
  std::vector<MatrixXd> blocks;
  Contrasts c;
  const std::string& reference = treatments[0];
  for (const std::string& name : study_order) {
    std::vector<const NetworkArm*> arms = studies.at(name);
    std::sort(arms.begin(), arms.end(),
              [](const NetworkArm* a, const NetworkArm* b) {
                return a->treatment < b->treatment;
              });
    std::vector<std::string> labels;
    for (const NetworkArm* a : arms) labels.push_back(a->treatment);
    const std::string design = absl::StrJoin(labels, ":");
    size_t base = 0;
    for (size_t i = 0; i < arms.size(); ++i)
      if (arms[i]->treatment == reference) base = i;
    bool corrected = false;
    for (const NetworkArm* a : arms)
      corrected |= Binary(m) && m != NetworkMeasure::kRiskDifference &&
                   (a->events == 0 || a->events == a->total);
    std::vector<std::pair<double, double>> est;
    for (const NetworkArm* a : arms) {
      absl::StatusOr<std::pair<double, double>> e =
          ArmEstimate(*a, m, corrected);
      if (!e.ok()) return e.status();
      est.push_back(*e);
    }
    const int size = static_cast<int>(arms.size()) - 1;
    MatrixXd block = MatrixXd::Constant(size, size, est[base].second);
    int row = 0;
    for (size_t j = 0; j < arms.size(); ++j) {
      if (j == base) continue;
      y.push_back(est[j].first - est[base].first);
      block(row, row) += est[j].second;
      std::vector<double> x(treatments.size() - 1, 0);
      for (size_t t = 1; t < treatments.size(); ++t) {
        if (treatments[t] == arms[j]->treatment) x[t - 1] += 1;
        if (treatments[t] == arms[base]->treatment) x[t - 1] -= 1;
      }
      x_rows.push_back(x);
      c.design.push_back(design);
      c.treatment.push_back(arms[j]->treatment);
      ++row;
    }
    blocks.push_back(block);
    c.designs.insert(design);
  }
  const int n = static_cast<int>(y.size());
  c.studies = static_cast<int>(study_order.size());
  c.y = Eigen::Map<VectorXd>(y.data(), n);
  c.s = MatrixXd::Zero(n, n);
  c.b = MatrixXd::Zero(n, n);
  c.x = MatrixXd(n, treatments.size() - 1);
  for (int i = 0; i < n; ++i)
    for (size_t j = 0; j + 1 < treatments.size(); ++j) c.x(i, j) = x_rows[i][j];
  int at = 0;
  for (const MatrixXd& block : blocks) {
    const int size = static_cast<int>(block.rows());
    c.s.block(at, at, size, size) = block;
    c.b.block(at, at, size, size) = MatrixXd::Constant(size, size, 0.5);
    c.b.block(at, at, size, size).diagonal().setOnes();
    at += size;
  }
  return c;
}

struct Gls {
  VectorXd beta;
  MatrixXd vb;
  MatrixXd sigma_inverse, p;  // P = S^-1 - S^-1 X (X'S^-1X)^-1 X'S^-1
};

Gls FitGls(const VectorXd& y, const MatrixXd& sigma, const MatrixXd& x) {
  Gls g;
  g.sigma_inverse =
      sigma.ldlt().solve(MatrixXd::Identity(sigma.rows(), sigma.cols()));
  const MatrixXd sx = g.sigma_inverse * x;
  g.vb =
      (x.transpose() * sx).ldlt().solve(MatrixXd::Identity(x.cols(), x.cols()));
  g.beta = g.vb * (sx.transpose() * y);
  g.p = g.sigma_inverse - sx * g.vb * sx.transpose();
  return g;
}

// tau^2 of the contrast-based model by Fisher scoring (REML or ML).
absl::StatusOr<double> FitTau2(const Contrasts& c, const MatrixXd& x,
                               const NetworkOptions& o) {
  if (!o.random_effects) return 0.0;
  const bool reml = o.tau2_method == Tau2Method::kRestrictedML;
  if (!reml && o.tau2_method != Tau2Method::kML) {
    return absl::InvalidArgumentError(
        "tau2_estimator: a network meta-analysis takes REML or "
        "MAXIMUM_LIKELIHOOD");
  }
  double tau2 = 0.1;
  for (int i = 0; i < o.control.max_iterations; ++i) {
    const Gls g = FitGls(c.y, c.s + tau2 * c.b, x);
    const MatrixXd& m = reml ? g.p : g.sigma_inverse;
    const VectorXd py = g.p * c.y;
    const MatrixXd mb = m * c.b;
    const double score = -0.5 * mb.trace() + 0.5 * py.dot(c.b * py);
    const double information =
        0.5 * (mb.array() * mb.transpose().array()).sum();
    const double next = std::max(0.0, tau2 + score / information);
    const bool done =
        std::fabs(next - tau2) <= o.control.tolerance * std::max(1.0, tau2);
    tau2 = next;
    if (done) return tau2;
  }
  return absl::FailedPreconditionError(
      "tau2: the network model did not converge");
}

// Design-specific contrast columns that add to the span of `x`.
MatrixXd InconsistencyColumns(const Contrasts& c, const MatrixXd& x) {
  MatrixXd kept = x;
  int rank = Eigen::FullPivLU<MatrixXd>(x).rank();
  std::vector<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < c.design.size(); ++i) {
    const auto key = std::make_pair(c.design[i], c.treatment[i]);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    VectorXd z(c.y.size());
    for (size_t r = 0; r < c.design.size(); ++r)
      z(r) = c.design[r] == key.first && c.treatment[r] == key.second ? 1 : 0;
    MatrixXd candidate(kept.rows(), kept.cols() + 1);
    candidate << kept, z;
    const int new_rank = Eigen::FullPivLU<MatrixXd>(candidate).rank();
    if (new_rank > rank) {
      kept = candidate;
      rank = new_rank;
    }
  }
  return kept.rightCols(kept.cols() - x.cols());
}

absl::Status TestInconsistency(const Contrasts& c, const NetworkOptions& o,
                               NetworkFit& fit) {
  const MatrixXd z = InconsistencyColumns(c, c.x);
  if (z.cols() == 0 || c.y.size() - c.x.cols() - z.cols() < 1)
    return absl::OkStatus();
  MatrixXd xz(c.x.rows(), c.x.cols() + z.cols());
  xz << c.x, z;
  absl::StatusOr<double> tau2 = FitTau2(c, xz, o);
  if (!tau2.ok()) return tau2.status();
  const Gls g = FitGls(c.y, c.s + *tau2 * c.b, xz);
  const int q = static_cast<int>(z.cols());
  const VectorXd gamma = g.beta.tail(q);
  fit.inconsistency_testable = true;
  fit.inconsistency_q =
      gamma.dot(g.vb.bottomRightCorner(q, q).ldlt().solve(gamma));
  fit.inconsistency_df = q;
  fit.inconsistency_p_value = ChiSquareUpperP(fit.inconsistency_q, q);
  fit.inconsistency_tau2 = *tau2;
  return absl::OkStatus();
}

void FillEffects(const Gls& g, const NetworkOptions& o, NetworkFit& fit) {
  const int t = static_cast<int>(fit.treatments.size());
  VectorXd d = VectorXd::Zero(t);
  MatrixXd v = MatrixXd::Zero(t, t);
  d.tail(t - 1) = g.beta;
  v.bottomRightCorner(t - 1, t - 1) = g.vb;
  const double crit = NormalQuantile(1 - (1 - o.confidence_level) / 2);
  fit.p_scores.assign(t, 0);
  for (int a = 0; a < t; ++a) {
    for (int b = 0; b < t; ++b) {
      if (a == b) continue;
      const double estimate = d(a) - d(b);
      const double se = std::sqrt(v(a, a) + v(b, b) - 2 * v(a, b));
      if (a < b) {
        fit.effects.push_back({fit.treatments[a], fit.treatments[b], estimate,
                               se, estimate - crit * se, estimate + crit * se});
      }
      // P(a better than b): smaller (or larger) d is better.
      const double z = (o.smaller_is_better ? -estimate : estimate) / se;
      fit.p_scores[a] += 0.5 * std::erfc(-z / std::sqrt(2.0)) / (t - 1);
    }
  }
}

}  // namespace

absl::StatusOr<NetworkFit> FitNetwork(const std::vector<NetworkArm>& arms,
                                      const NetworkOptions& o) {
  std::map<std::string, std::vector<const NetworkArm*>> studies;
  std::vector<std::string> study_order;
  std::set<std::string> names;
  for (const NetworkArm& a : arms) {
    if (a.study.empty() || a.treatment.empty())
      return absl::InvalidArgumentError(
          "arms: every arm needs a study and a treatment");
    if (!studies.count(a.study)) study_order.push_back(a.study);
    for (const NetworkArm* other : studies[a.study]) {
      if (other->treatment == a.treatment)
        return absl::InvalidArgumentError(absl::StrCat(
            "arms (", a.study, "): treatment ", a.treatment, " appears twice"));
    }
    studies[a.study].push_back(&a);
    names.insert(a.treatment);
  }
  for (const auto& [name, study_arms] : studies) {
    if (study_arms.size() < 2)
      return absl::InvalidArgumentError(
          absl::StrCat("arms (", name, "): a study needs two arms"));
  }
  if (names.size() < 2)
    return absl::InvalidArgumentError("arms: a network needs two treatments");
  std::string reference = o.reference.empty() ? *names.begin() : o.reference;
  if (!names.count(reference))
    return absl::InvalidArgumentError("reference: '" + reference +
                                      "' is not a treatment of the network");
  NetworkFit fit;
  fit.treatments.push_back(reference);
  for (const std::string& t : names)
    if (t != reference) fit.treatments.push_back(t);
  if (absl::Status s = CheckConnected(studies, fit.treatments); !s.ok())
    return s;
  absl::StatusOr<Contrasts> c =
      BuildContrasts(study_order, studies, fit.treatments, o.measure);
  if (!c.ok()) return c.status();
  fit.studies = c->studies;
  fit.contrasts = static_cast<int>(c->y.size());
  fit.designs = static_cast<int>(c->designs.size());
  absl::StatusOr<double> tau2 = FitTau2(*c, c->x, o);
  if (!tau2.ok()) return tau2.status();
  fit.tau2 = *tau2;
  const Gls g = FitGls(c->y, c->s + fit.tau2 * c->b, c->x);
  const Gls fixed = FitGls(c->y, c->s, c->x);
  fit.qe = c->y.dot(fixed.p * c->y);
  fit.qe_df = fit.contrasts - static_cast<int>(c->x.cols());
  fit.qe_p_value = ChiSquareUpperP(fit.qe, fit.qe_df);
  FillEffects(g, o, fit);
  if (absl::Status s = TestInconsistency(*c, o, fit); !s.ok()) return s;
  return fit;
}

}  // namespace kip::meta
