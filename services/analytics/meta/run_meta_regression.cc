#include "services/analytics/meta/run_meta_regression.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/analytics/meta/meta_regression.h"
#include "services/analytics/meta/prepared_study.h"

namespace kip::meta {
namespace {

namespace av1 = kip::analytics::v1;

absl::Status FillRegressionDefaults(av1::MetaAnalysisOptions& o) {
  if (o.measure() == av1::EFFECT_MEASURE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "options.measure: is required (MD, SMD, RR, OR, RD)");
  }
  if (o.measure() == av1::PETO_OR) {
    return absl::InvalidArgumentError(
        "options.measure: meta-regression takes MD, SMD, RR, OR or RD");
  }
  if (o.method() != av1::POOLING_METHOD_UNSPECIFIED &&
      o.method() != av1::INVERSE_VARIANCE) {
    return absl::InvalidArgumentError(
        "options.method: meta-regression is inverse-variance weighted");
  }
  o.set_method(av1::INVERSE_VARIANCE);
  if (o.convention() == av1::CONVENTION_UNSPECIFIED)
    o.set_convention(av1::METAFOR);
  if (o.model() == av1::EFFECT_MODEL_UNSPECIFIED)
    o.set_model(av1::RANDOM_EFFECTS);
  if (o.tau2_estimator() == av1::TAU2_ESTIMATOR_UNSPECIFIED)
    o.set_tau2_estimator(av1::REML);
  if (o.tau2_estimator() != av1::DERSIMONIAN_LAIRD &&
      o.tau2_estimator() != av1::REML &&
      o.tau2_estimator() != av1::MAXIMUM_LIKELIHOOD) {
    return absl::InvalidArgumentError(
        "options.tau2_estimator: meta-regression takes DERSIMONIAN_LAIRD, "
        "REML or MAXIMUM_LIKELIHOOD");
  }
  if (o.confidence_level() == 0) o.set_confidence_level(0.95);
  if (!(o.confidence_level() > 0 && o.confidence_level() < 1)) {
    return absl::InvalidArgumentError(
        "options.confidence_level: must be within (0, 1)");
  }
  return absl::OkStatus();
}

struct Included {
  std::vector<double> yi, vi;
  std::vector<std::string> names;
  Moderators moderators;
};

// The studies with information on the measure, and their moderators.
absl::StatusOr<Included> IncludedStudies(
    const av1::RunMetaRegressionRequest& request,
    const av1::MetaAnalysisOptions& o, av1::RunMetaRegressionResponse& out) {
  Included in;
  in.moderators.numeric_order.assign(request.moderators().begin(),
                                     request.moderators().end());
  in.moderators.categorical_order.assign(
      request.categorical_moderators().begin(),
      request.categorical_moderators().end());
  for (int i = 0; i < request.studies_size(); ++i) {
    const av1::StudyData& s = request.studies(i);
    absl::StatusOr<Prepared> p = PrepareStudy(s, i, o);
    if (!p.ok()) return p.status();
    if (!p->excluded_reason.empty()) {
      out.add_excluded_studies(absl::StrCat(p->name, ": ", p->excluded_reason));
      continue;
    }
    const std::string at = absl::StrCat("studies[", i, "] (", p->name, ")");
    for (const std::string& m : in.moderators.numeric_order) {
      auto it = s.moderators().find(m);
      if (it == s.moderators().end() || !std::isfinite(it->second)) {
        return absl::InvalidArgumentError(
            absl::StrCat(at, ".moderators: has no finite '", m, "'"));
      }
      in.moderators.numeric[m].push_back(it->second);
    }
    for (const std::string& m : in.moderators.categorical_order) {
      auto it = s.factors().find(m);
      if (it == s.factors().end() || it->second.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(at, ".factors: has no '", m, "'"));
      }
      in.moderators.categorical[m].push_back(it->second);
    }
    in.yi.push_back(p->effect.estimate);
    in.vi.push_back(p->effect.variance);
    in.names.push_back(p->name);
  }
  return in;
}

av1::MetaRegressionPrediction ToPrediction(const Prediction& p,
                                           av1::EffectMeasure m) {
  av1::MetaRegressionPrediction out;
  out.set_estimate(Report(m, p.estimate));
  out.set_se(p.se);
  out.set_ci_lower(Report(m, p.ci_lower));
  out.set_ci_upper(Report(m, p.ci_upper));
  out.set_pi_lower(Report(m, p.pi_lower));
  out.set_pi_upper(Report(m, p.pi_upper));
  return out;
}

void FillFit(const MetaRegressionFit& fit,
             av1::RunMetaRegressionResponse& out) {
  out.set_k(fit.k);
  for (const Coefficient& c : fit.coefficients) {
    av1::MetaRegressionCoefficient* row = out.add_coefficients();
    row->set_name(c.name);
    row->set_estimate(c.estimate);
    row->set_se(c.se);
    row->set_ci_lower(c.ci_lower);
    row->set_ci_upper(c.ci_upper);
    row->set_z_or_t(c.z_or_t);
    row->set_p_value(c.p_value);
  }
  out.set_t_distribution(fit.t_distribution);
  out.set_df(fit.df);
  out.set_qm(fit.qm);
  out.set_qm_df(fit.qm_df);
  out.set_qm_p_value(fit.qm_p_value);
  out.set_qe(fit.qe);
  out.set_qe_df(fit.qe_df);
  out.set_qe_p_value(fit.qe_p_value);
  out.set_tau2(fit.tau2);
  out.set_i2(fit.i2_percent);
  out.set_h2(fit.h2);
  out.set_r2(fit.r2_percent);
}

// Studies against the first numeric moderator and the fitted line along it,
// the other columns held at their means (metafor's regplot).
absl::Status FillBubble(const Included& in, const Design& design,
                        const MetaRegressionFit& fit, av1::EffectMeasure m,
                        av1::RunMetaRegressionResponse& out) {
  if (in.moderators.numeric_order.empty()) {
    return absl::InvalidArgumentError(
        "bubble_plot: needs a numeric moderator to plot against");
  }
  const std::string& name = in.moderators.numeric_order.front();
  out.set_curve_moderator(name);
  const std::vector<double>& x = in.moderators.numeric.at(name);
  double total_weight = 0;
  for (size_t i = 0; i < x.size(); ++i)
    total_weight += 1 / (in.vi[i] + fit.tau2);
  for (size_t i = 0; i < x.size(); ++i) {
    av1::RegressionPoint* point = out.add_points();
    point->set_study(in.names[i]);
    point->set_moderator(x[i]);
    point->set_estimate(Report(m, in.yi[i]));
    point->set_weight_percent(100 / (in.vi[i] + fit.tau2) / total_weight);
  }
  std::vector<double> means(design.names.size(), 0);
  for (const auto& row : design.rows)
    for (size_t j = 0; j < row.size(); ++j) means[j] += row[j] / x.size();
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  constexpr int kSteps = 50;
  for (int s = 0; s <= kSteps; ++s) {
    std::vector<double> row = means;
    row[1] = *lo + (*hi - *lo) * s / kSteps;  // column 1: the first numeric
    absl::StatusOr<Prediction> p = Predict(fit, row);
    if (!p.ok()) return p.status();
    av1::MetaRegressionPrediction* point = out.add_curve();
    *point = ToPrediction(*p, m);
    (*point->mutable_at()->mutable_numeric())[name] = row[1];
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<av1::RunMetaRegressionResponse> RunMetaRegression(
    const av1::RunMetaRegressionRequest& request) {
  av1::RunMetaRegressionResponse out;
  av1::MetaAnalysisOptions o = request.options();
  if (absl::Status s = FillRegressionDefaults(o); !s.ok()) return s;
  *out.mutable_options() = o;
  if (request.studies_size() < 3 || request.studies_size() > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("studies: 3..10000 studies are required (",
                     request.studies_size(), " given)"));
  }
  if (request.moderators().empty() &&
      request.categorical_moderators().empty()) {
    return absl::InvalidArgumentError(
        "moderators: name at least one (numeric or categorical)");
  }
  absl::StatusOr<Included> in = IncludedStudies(request, o, out);
  if (!in.ok()) return in.status();
  absl::StatusOr<Design> design =
      BuildDesign(static_cast<int>(in->yi.size()), in->moderators);
  if (!design.ok()) return design.status();
  MetaRegressionOptions options;
  options.random_effects = o.model() == av1::RANDOM_EFFECTS;
  options.tau2_method = Tau2Of(o.tau2_estimator());
  options.knha = o.hartung_knapp();
  options.confidence_level = o.confidence_level();
  absl::StatusOr<MetaRegressionFit> fit =
      FitMetaRegression(in->yi, in->vi, *design, options);
  if (!fit.ok()) return fit.status();
  FillFit(*fit, out);
  for (int i = 0; i < request.predict_at_size(); ++i) {
    const av1::ModeratorValues& at = request.predict_at(i);
    absl::StatusOr<std::vector<double>> row =
        DesignRow(*design, {at.numeric().begin(), at.numeric().end()},
                  {at.categorical().begin(), at.categorical().end()});
    if (!row.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("predict_at[", i, "]: ", row.status().message()));
    }
    absl::StatusOr<Prediction> p = Predict(*fit, *row);
    if (!p.ok()) return p.status();
    av1::MetaRegressionPrediction* prediction = out.add_predictions();
    *prediction = ToPrediction(*p, o.measure());
    *prediction->mutable_at() = at;
  }
  if (request.bubble_plot()) {
    if (absl::Status s = FillBubble(*in, *design, *fit, o.measure(), out);
        !s.ok())
      return s;
  }
  return out;
}

}  // namespace kip::meta
