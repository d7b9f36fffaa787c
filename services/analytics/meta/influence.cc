#include "services/analytics/meta/influence.h"

#include <Eigen/Dense>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/analytics/meta/distributions.h"

namespace kip::meta {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

MatrixXd ToMatrix(const std::vector<std::vector<double>>& rows) {
  MatrixXd m(rows.size(), rows.empty() ? 0 : rows[0].size());
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = 0; j < rows[i].size(); ++j) m(i, j) = rows[i][j];
  return m;
}

VectorXd Coefficients(const MetaRegressionFit& fit) {
  VectorXd b(fit.p);
  for (int j = 0; j < fit.p; ++j) b(j) = fit.coefficients[j].estimate;
  return b;
}

// (X' W X)^-1 with W = 1 / (v + tau2): the unscaled covariance of b.
MatrixXd InverseInformation(const MatrixXd& x, const VectorXd& v, double tau2) {
  const VectorXd w = (v.array() + tau2).inverse().matrix();
  return (x.transpose() * w.asDiagonal() * x)
      .ldlt()
      .solve(MatrixXd::Identity(x.cols(), x.cols()));
}

// The model refitted without study `left_out`.
absl::StatusOr<MetaRegressionFit> FitWithout(
    int left_out, const std::vector<double>& yi, const std::vector<double>& vi,
    const Design& design, const MetaRegressionOptions& options) {
  std::vector<double> y, v;
  Design reduced = design;
  reduced.rows.clear();
  for (size_t i = 0; i < yi.size(); ++i) {
    if (static_cast<int>(i) == left_out) continue;
    y.push_back(yi[i]);
    v.push_back(vi[i]);
    reduced.rows.push_back(design.rows[i]);
  }
  return FitMetaRegression(y, v, reduced, options);
}

}  // namespace

absl::StatusOr<std::vector<StudyInfluence>> Influence(
    const std::vector<double>& yi, const std::vector<double>& vi,
    const Design& design, const MetaRegressionOptions& options,
    const MetaRegressionFit& fit) {
  const int k = fit.k, p = fit.p;
  if (k - 1 < p + 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("influence: ", k,
                     " studies are too few to leave one out of a model "
                     "with ",
                     p, " coefficients"));
  }
  const MatrixXd x = ToMatrix(design.rows);
  const VectorXd v = Eigen::Map<const VectorXd>(vi.data(), k);
  const VectorXd b = Coefficients(fit);
  const MatrixXd vb = ToMatrix(fit.covariance);
  const MatrixXd vb_inverse = vb.ldlt().solve(MatrixXd::Identity(p, p));
  const double vb_det = vb.determinant();
  // Hat values of the full model: diag(X (X'WX)^-1 X'W).
  const VectorXd w = (v.array() + fit.tau2).inverse().matrix();
  const MatrixXd unscaled = InverseInformation(x, v, fit.tau2);
  double weight_sum = w.sum();

  std::vector<StudyInfluence> out(k);
  for (int i = 0; i < k; ++i) {
    absl::StatusOr<MetaRegressionFit> without =
        FitWithout(i, yi, vi, design, options);
    if (!without.ok()) {
      return absl::Status(without.status().code(),
                          absl::StrCat("influence, without study ", i + 1, ": ",
                                       without.status().message()));
    }
    const VectorXd b_del = Coefficients(*without);
    const MatrixXd vb_del_fit = ToMatrix(without->covariance);
    const VectorXd xi = x.row(i).transpose();
    const double hat = xi.dot(unscaled * xi) * w(i);
    const double del_pred = xi.dot(b_del);
    const double del_pred_variance = xi.dot(vb_del_fit * xi);
    const double s2w = without->s2w;
    StudyInfluence& s = out[i];
    s.hat = hat;
    s.weight_percent = 100 * w(i) / weight_sum;
    s.tau2_deleted = without->tau2;
    s.qe_deleted = without->qe;
    const double residual = yi[i] - del_pred;
    s.rstudent = residual / std::sqrt(vi[i] * s2w + del_pred_variance +
                                      without->tau2 * s2w);
    s.dffits =
        (xi.dot(b) - del_pred) / std::sqrt(s2w * hat * (without->tau2 + vi[i]));
    const VectorXd change = b - b_del;
    const MatrixXd vb_del = InverseInformation(x, v, without->tau2);
    for (int j = 0; j < p; ++j)
      s.dfbetas.push_back(change(j) / std::sqrt(s2w * vb_del(j, j)));
    s.cooks_distance = change.dot(vb_inverse * change);
    const double full_pred = xi.dot(b);
    s.baujat_x = (yi[i] - full_pred) * (yi[i] - full_pred) / (fit.tau2 + vi[i]);
    s.baujat_y =
        (del_pred - full_pred) * (del_pred - full_pred) / del_pred_variance;
    s.cov_ratio = vb_del_fit.determinant() / vb_det;
    bool large_dfbeta = false;
    for (double d : s.dfbetas) large_dfbeta |= std::fabs(d) > 1;
    s.influential =
        std::fabs(s.dffits) > 3 * std::sqrt(static_cast<double>(p) / (k - p)) ||
        1 - ChiSquareUpperP(s.cooks_distance, p) > 0.5 || s.hat > 3.0 * p / k ||
        large_dfbeta;
  }
  return out;
}

}  // namespace kip::meta
