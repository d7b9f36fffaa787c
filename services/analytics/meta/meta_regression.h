// Meta-regression: fixed- and mixed-effects models with moderators, as
// metafor's rma(yi, vi, mods = ~ ...) fits them - coefficients with SE, CI and
// z or Knapp-Hartung t, the omnibus test of moderators (QM), residual
// heterogeneity (QE, tau^2, I^2, H^2), the pseudo-R^2 against the model
// without moderators, and predicted effects with CI and prediction interval.
// Estimates stay on the analysis scale (log for ratios). No gRPC.
#ifndef KIP_SERVICES_ANALYTICS_META_META_REGRESSION_H_
#define KIP_SERVICES_ANALYTICS_META_META_REGRESSION_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/analytics/meta/tau2.h"

namespace kip::meta {

// The moderators of k studies, by column: numeric ones enter as they are,
// categorical ones as 0/1 indicators of every level but the first in sorted
// order (R's treatment contrasts on a factor with default levels).
struct Moderators {
  std::map<std::string, std::vector<double>> numeric;
  std::map<std::string, std::vector<std::string>> categorical;
  // Column order of the numeric ones in the model (default: map order).
  std::vector<std::string> numeric_order;
  std::vector<std::string> categorical_order;
};

// The model matrix: "intrcpt" then the moderators' columns, k rows.
struct Design {
  std::vector<std::string> names;
  // Per column: the moderator it comes from ("" for the intercept) and, for
  // a categorical one, the level it indicates.
  std::vector<std::pair<std::string, std::string>> sources;
  std::vector<std::vector<double>> rows;
  // Per categorical moderator: its levels, the first being the reference.
  std::map<std::string, std::vector<std::string>> levels;
};

// INVALID_ARGUMENT naming the moderator when a column has the wrong length or
// a non-finite value, a factor has one level, or the design is rank-deficient.
absl::StatusOr<Design> BuildDesign(int k, const Moderators& moderators);

// A row of the design for new moderator values (every moderator given).
absl::StatusOr<std::vector<double>> DesignRow(
    const Design& design, const std::map<std::string, double>& numeric,
    const std::map<std::string, std::string>& categorical);

struct MetaRegressionOptions {
  bool random_effects = true;
  // DerSimonian-Laird, REML or ML (others: INVALID_ARGUMENT).
  Tau2Method tau2_method = Tau2Method::kRestrictedML;
  bool knha = false;  // Knapp-Hartung: t and F tests, scaled covariance
  double confidence_level = 0.95;
  Tau2Control control;
};

struct Coefficient {
  std::string name;
  double estimate = 0;
  double se = 0;
  double z_or_t = 0;
  double p_value = 0;
  double ci_lower = 0;
  double ci_upper = 0;
};

struct MetaRegressionFit {
  int k = 0;
  int p = 0;  // coefficients, intercept included
  std::vector<Coefficient> coefficients;
  std::vector<std::vector<double>> covariance;  // p x p
  bool t_distribution = false;                  // knha
  double s2w = 1;  // knha's scale of the covariance (1 without knha)
  int df = 0;      // k - p for t and F
  double qm = 0;   // Wald chi^2 (z) or F (knha) of all but the intercept
  int qm_df = 0;   // numerator df
  double qm_p_value = 1;
  double qe = 0;  // residual heterogeneity, fixed-effect weights
  int qe_df = 0;
  double qe_p_value = 1;
  double tau2 = 0;  // residual
  double i2_percent = 0;
  double h2 = 1;
  // As metafor: random effects, 100 (tau^2 without moderators - tau^2) /
  // tau^2 without, at least 0 (0 when tau^2 without is 0); fixed effect, the
  // adjusted R^2 of the weighted least-squares fit. Absent without moderators.
  bool has_r2 = false;
  double r2_percent = 0;
  double confidence_level = 0.95;
};

absl::StatusOr<MetaRegressionFit> FitMetaRegression(
    const std::vector<double>& yi, const std::vector<double>& vi,
    const Design& design, const MetaRegressionOptions& options);

struct Prediction {
  double estimate = 0;
  double se = 0;
  double ci_lower = 0;
  double ci_upper = 0;
  double pi_lower = 0;  // with tau^2 (= CI for a fixed-effect model)
  double pi_upper = 0;
};

// The fitted effect at a design row (as metafor's predict(fit, newmods)).
absl::StatusOr<Prediction> Predict(const MetaRegressionFit& fit,
                                   const std::vector<double>& row);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_META_REGRESSION_H_
