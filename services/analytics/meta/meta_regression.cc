#include "services/analytics/meta/meta_regression.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/analytics/meta/distributions.h"

namespace kip::meta {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// What the estimators need of P = W - W X (X'WX)^-1 X'W, the residual-maker
// of weighted least squares, computed in O(k p^2) without forming the k x k
// matrix (10,000 studies would need 800 MB for it).
struct WlsParts {
  VectorXd beta;
  MatrixXd xwx_inverse;  // (X'WX)^-1
  double ypy = 0;        // y'Py = r'Wr, r = y - X beta
  double py_norm2 = 0;   // |Py|^2 = sum w^2 r^2
  double trace_p = 0;
  double trace_pp = 0;  // tr(PP)
};

WlsParts Wls(const MatrixXd& x, const VectorXd& y, const VectorXd& w) {
  const int p = static_cast<int>(x.cols());
  const MatrixXd wx = w.asDiagonal() * x;
  const MatrixXd w2x = w.asDiagonal() * wx;
  WlsParts out;
  out.xwx_inverse = (x.transpose() * wx).ldlt().solve(MatrixXd::Identity(p, p));
  out.beta = out.xwx_inverse * (wx.transpose() * y);
  const VectorXd r = y - x * out.beta;
  out.ypy = (w.array() * r.array().square()).sum();
  out.py_norm2 = (w.array().square() * r.array().square()).sum();
  const MatrixXd m_xw2x = out.xwx_inverse * (x.transpose() * w2x);
  const MatrixXd xw3x = wx.transpose() * w2x;
  out.trace_p = w.sum() - m_xw2x.trace();
  out.trace_pp = w.squaredNorm() - 2 * (out.xwx_inverse * xw3x).trace() +
                 (m_xw2x * m_xw2x).trace();
  return out;
}

VectorXd Weights(const VectorXd& v, double tau2) {
  return (v.array() + tau2).inverse().matrix();
}

// DerSimonian-Laird for a model with moderators (metafor's "DL").
double DerSimonianLairdWithModerators(const VectorXd& y, const VectorXd& v,
                                      const MatrixXd& x) {
  const WlsParts fixed = Wls(x, y, Weights(v, 0));
  const double df = static_cast<double>(x.rows() - x.cols());
  return std::max(0.0, (fixed.ypy - df) / fixed.trace_p);
}

// ML and REML by Fisher scoring, as metafor's rma.uni iterates them; a step
// that would leave tau^2 < 0 stops at 0.
absl::StatusOr<double> LikelihoodTau2(const VectorXd& y, const VectorXd& v,
                                      const MatrixXd& x, bool restricted,
                                      const Tau2Control& control) {
  double tau2 = DerSimonianLairdWithModerators(y, v, x);
  for (int i = 0; i < control.max_iterations; ++i) {
    const VectorXd w = Weights(v, tau2);
    const WlsParts parts = Wls(x, y, w);
    double step;
    if (restricted) {
      step = (parts.py_norm2 - parts.trace_p) / parts.trace_pp;
    } else {
      step = (parts.py_norm2 - w.sum()) / w.squaredNorm();
    }
    const double next = std::max(0.0, tau2 + step);
    const bool done =
        std::fabs(next - tau2) <= control.tolerance * std::max(1.0, tau2);
    tau2 = next;
    if (done) return tau2;
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "tau2: ", restricted ? "REML" : "ML", " did not converge in ",
      control.max_iterations, " iterations"));
}

absl::StatusOr<double> ResidualTau2(const VectorXd& y, const VectorXd& v,
                                    const MatrixXd& x,
                                    const MetaRegressionOptions& options) {
  if (!options.random_effects) return 0.0;
  switch (options.tau2_method) {
    case Tau2Method::kDerSimonianLaird:
      return DerSimonianLairdWithModerators(y, v, x);
    case Tau2Method::kRestrictedML:
      return LikelihoodTau2(y, v, x, true, options.control);
    case Tau2Method::kML:
      return LikelihoodTau2(y, v, x, false, options.control);
    default:
      return absl::InvalidArgumentError(
          "tau2_estimator: meta-regression supports DERSIMONIAN_LAIRD, REML "
          "and ML");
  }
}

void FillCoefficients(const Design& design, const VectorXd& b,
                      const MatrixXd& vb, double crit, MetaRegressionFit& fit) {
  for (int j = 0; j < fit.p; ++j) {
    Coefficient c;
    c.name = design.names[j];
    c.estimate = b(j);
    c.se = std::sqrt(vb(j, j));
    c.z_or_t = c.estimate / c.se;
    c.p_value = fit.t_distribution ? TwoSidedStudentTP(c.z_or_t, fit.df)
                                   : TwoSidedNormalP(c.z_or_t);
    c.ci_lower = c.estimate - crit * c.se;
    c.ci_upper = c.estimate + crit * c.se;
    fit.coefficients.push_back(c);
  }
  fit.covariance.assign(fit.p, std::vector<double>(fit.p));
  for (int i = 0; i < fit.p; ++i)
    for (int j = 0; j < fit.p; ++j) fit.covariance[i][j] = vb(i, j);
}

// The omnibus test of every coefficient but the intercept.
void OmnibusTest(const VectorXd& b, const MatrixXd& vb,
                 MetaRegressionFit& fit) {
  fit.qm_df = fit.p - 1;
  if (fit.qm_df == 0) return;
  const VectorXd bm = b.tail(fit.qm_df);
  const MatrixXd vm = vb.bottomRightCorner(fit.qm_df, fit.qm_df);
  const double wald = bm.dot(vm.ldlt().solve(bm));
  if (fit.t_distribution) {
    fit.qm = wald / fit.qm_df;
    fit.qm_p_value = FUpperP(fit.qm, fit.qm_df, fit.df);
  } else {
    fit.qm = wald;
    fit.qm_p_value = ChiSquareUpperP(wald, fit.qm_df);
  }
}

absl::Status CheckInputs(const std::vector<double>& yi,
                         const std::vector<double>& vi, const Design& design) {
  const size_t k = yi.size();
  if (vi.size() != k || design.rows.size() != k) {
    return absl::InvalidArgumentError(
        "studies: effects, variances and moderators differ in number");
  }
  if (k < design.names.size() + 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "studies: ", k, " studies cannot fit ", design.names.size(),
        " coefficients and leave a residual degree of freedom"));
  }
  for (size_t i = 0; i < k; ++i) {
    if (!std::isfinite(yi[i]) || !std::isfinite(vi[i]) || vi[i] <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("studies[", i,
                       "]: effect and variance must be finite, variance > 0"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<MetaRegressionFit> FitMetaRegression(
    const std::vector<double>& yi, const std::vector<double>& vi,
    const Design& design, const MetaRegressionOptions& options) {
  if (absl::Status s = CheckInputs(yi, vi, design); !s.ok()) return s;
  const int k = static_cast<int>(yi.size());
  const int p = static_cast<int>(design.names.size());
  const VectorXd y = Eigen::Map<const VectorXd>(yi.data(), k);
  const VectorXd v = Eigen::Map<const VectorXd>(vi.data(), k);
  MatrixXd x(k, p);
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < p; ++j) x(i, j) = design.rows[i][j];

  absl::StatusOr<double> tau2 = ResidualTau2(y, v, x, options);
  if (!tau2.ok()) return tau2.status();
  MetaRegressionFit fit;
  fit.k = k;
  fit.p = p;
  fit.df = k - p;
  fit.tau2 = *tau2;
  fit.confidence_level = options.confidence_level;
  fit.t_distribution = options.knha;

  const WlsParts parts = Wls(x, y, Weights(v, fit.tau2));
  MatrixXd vb = parts.xwx_inverse;
  const VectorXd& b = parts.beta;
  if (options.knha) {
    fit.s2w = parts.ypy / fit.df;
    vb *= fit.s2w;
  }

  const double alpha = 1 - options.confidence_level;
  const double crit = options.knha ? StudentTQuantile(1 - alpha / 2, fit.df)
                                   : NormalQuantile(1 - alpha / 2);
  FillCoefficients(design, b, vb, crit, fit);
  OmnibusTest(b, vb, fit);

  const WlsParts fixed = Wls(x, y, Weights(v, 0));
  fit.qe = fixed.ypy;
  fit.qe_df = fit.df;
  fit.qe_p_value = ChiSquareUpperP(fit.qe, fit.qe_df);
  if (options.random_effects) {
    const double typical_variance = fit.df / fixed.trace_p;
    fit.i2_percent = 100 * fit.tau2 / (typical_variance + fit.tau2);
    fit.h2 = fit.tau2 / typical_variance + 1;
    absl::StatusOr<double> tau2_without =
        EstimateTau2(yi, vi, options.tau2_method, options.control);
    if (!tau2_without.ok()) return tau2_without.status();
    // metafor's default (r2def "1"): the share of tau^2 the moderators
    // account for; 0 when there is none to account for.
    fit.r2_percent =
        *tau2_without > 0
            ? std::max(0.0, 100 * (*tau2_without - fit.tau2) / *tau2_without)
            : 0.0;
  } else {
    fit.i2_percent = std::max(0.0, 100 * (fit.qe - fit.df) / fit.qe);
    fit.h2 = fit.qe / fit.df;
    // metafor: the adjusted R^2 of the weighted least-squares fit.
    const double q_without = Wls(MatrixXd::Ones(k, 1), y, Weights(v, 0)).ypy;
    fit.r2_percent = q_without > 0
                         ? std::max(0.0, 100 * (1 - (fit.qe / q_without) *
                                                        (k - 1.0) / fit.df))
                         : 0.0;
  }
  fit.has_r2 = p > 1;
  return fit;
}

absl::StatusOr<Prediction> Predict(const MetaRegressionFit& fit,
                                   const std::vector<double>& row) {
  if (static_cast<int>(row.size()) != fit.p) {
    return absl::InvalidArgumentError(absl::StrCat(
        "predict: ", row.size(), " values for ", fit.p, " coefficients"));
  }
  Prediction out;
  double variance = 0;
  for (int i = 0; i < fit.p; ++i) {
    out.estimate += row[i] * fit.coefficients[i].estimate;
    for (int j = 0; j < fit.p; ++j)
      variance += row[i] * fit.covariance[i][j] * row[j];
  }
  out.se = std::sqrt(variance);
  const double alpha = 1 - fit.confidence_level;
  const double crit = fit.t_distribution
                          ? StudentTQuantile(1 - alpha / 2, fit.df)
                          : NormalQuantile(1 - alpha / 2);
  out.ci_lower = out.estimate - crit * out.se;
  out.ci_upper = out.estimate + crit * out.se;
  const double pi_se = std::sqrt(variance + fit.tau2);
  out.pi_lower = out.estimate - crit * pi_se;
  out.pi_upper = out.estimate + crit * pi_se;
  return out;
}

absl::StatusOr<Design> BuildDesign(int k, const Moderators& moderators) {
  Design design;
  design.names.push_back("intrcpt");
  design.sources.push_back({"", ""});
  design.rows.assign(k, std::vector<double>{1.0});
  std::vector<std::string> numeric = moderators.numeric_order;
  if (numeric.empty())
    for (const auto& [name, unused] : moderators.numeric)
      numeric.push_back(name);
  for (const std::string& name : numeric) {
    auto it = moderators.numeric.find(name);
    if (it == moderators.numeric.end() ||
        static_cast<int>(it->second.size()) != k) {
      return absl::InvalidArgumentError(
          absl::StrCat("moderator ", name, ": needs a value for each of the ",
                       k, " studies"));
    }
    for (int i = 0; i < k; ++i) {
      if (!std::isfinite(it->second[i])) {
        return absl::InvalidArgumentError(absl::StrCat(
            "moderator ", name, ": study ", i + 1, " has no finite value"));
      }
      design.rows[i].push_back(it->second[i]);
    }
    design.names.push_back(name);
    design.sources.push_back({name, ""});
  }
  std::vector<std::string> categorical = moderators.categorical_order;
  if (categorical.empty())
    for (const auto& [name, unused] : moderators.categorical)
      categorical.push_back(name);
  for (const std::string& name : categorical) {
    auto it = moderators.categorical.find(name);
    if (it == moderators.categorical.end() ||
        static_cast<int>(it->second.size()) != k) {
      return absl::InvalidArgumentError(
          absl::StrCat("moderator ", name, ": needs a level for each of the ",
                       k, " studies"));
    }
    const std::set<std::string> sorted(it->second.begin(), it->second.end());
    std::vector<std::string> levels(sorted.begin(), sorted.end());
    if (levels.size() < 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          "moderator ", name, ": a categorical moderator needs two levels"));
    }
    for (size_t l = 1; l < levels.size(); ++l) {
      design.names.push_back(absl::StrCat(name, levels[l]));
      design.sources.push_back({name, levels[l]});
      for (int i = 0; i < k; ++i)
        design.rows[i].push_back(it->second[i] == levels[l] ? 1.0 : 0.0);
    }
    design.levels[name] = std::move(levels);
  }
  MatrixXd x(k, design.names.size());
  for (int i = 0; i < k; ++i)
    for (size_t j = 0; j < design.names.size(); ++j)
      x(i, j) = design.rows[i][j];
  if (Eigen::FullPivLU<MatrixXd>(x).rank() <
      static_cast<int>(design.names.size())) {
    return absl::InvalidArgumentError(
        "moderators: the model matrix is rank-deficient (a moderator is "
        "constant or a combination of others)");
  }
  return design;
}

absl::StatusOr<std::vector<double>> DesignRow(
    const Design& design, const std::map<std::string, double>& numeric,
    const std::map<std::string, std::string>& categorical) {
  std::vector<double> row = {1.0};
  for (size_t j = 1; j < design.names.size(); ++j) {
    const auto& [moderator, level] = design.sources[j];
    if (level.empty()) {
      auto it = numeric.find(moderator);
      if (it == numeric.end() || !std::isfinite(it->second)) {
        return absl::InvalidArgumentError(
            absl::StrCat("predict: needs a value of ", moderator));
      }
      row.push_back(it->second);
      continue;
    }
    auto it = categorical.find(moderator);
    const std::vector<std::string>& levels = design.levels.at(moderator);
    if (it == categorical.end() ||
        std::find(levels.begin(), levels.end(), it->second) == levels.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("predict: ", moderator, " needs one of its levels (",
                       absl::StrJoin(levels, ", "), ")"));
    }
    row.push_back(it->second == level ? 1.0 : 0.0);
  }
  return row;
}

}  // namespace kip::meta
