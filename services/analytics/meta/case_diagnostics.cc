#include "services/analytics/meta/case_diagnostics.h"

#include "absl/strings/str_cat.h"
#include "services/analytics/meta/influence.h"
#include "services/analytics/meta/meta_regression.h"

namespace kip::meta {

absl::Status AddInfluence(const std::vector<Prepared>& studies,
                          const av1::MetaAnalysisOptions& o,
                          av1::RunMetaAnalysisResponse& response) {
  if (o.method() != av1::INVERSE_VARIANCE) {
    return absl::InvalidArgumentError(
        "options.influence: needs inverse-variance pooling (as metafor's "
        "influence() on rma())");
  }
  std::vector<double> yi, vi;
  std::vector<const Prepared*> included;
  // Each study is left out and the model refitted: O(k^2) fits' worth.
  constexpr size_t kMaxStudies = 1000;
  for (const Prepared& p : studies) {
    if (!p.excluded_reason.empty()) continue;
    yi.push_back(p.effect.estimate);
    vi.push_back(p.effect.variance);
    included.push_back(&p);
  }
  if (yi.size() > kMaxStudies) {
    return absl::InvalidArgumentError(
        absl::StrCat("options.influence: at most ", kMaxStudies,
                     " studies (each is left out and the model refitted); ",
                     yi.size(), " given"));
  }
  absl::StatusOr<Design> design =
      BuildDesign(static_cast<int>(yi.size()), Moderators());
  if (!design.ok()) return design.status();
  MetaRegressionOptions options;
  options.random_effects = o.model() == av1::RANDOM_EFFECTS;
  options.tau2_method = Tau2Of(o.tau2_estimator());
  options.knha = o.hartung_knapp();
  options.confidence_level = o.confidence_level();
  absl::StatusOr<MetaRegressionFit> fit =
      FitMetaRegression(yi, vi, *design, options);
  if (!fit.ok()) return fit.status();
  absl::StatusOr<std::vector<StudyInfluence>> influence =
      Influence(yi, vi, *design, options, *fit);
  if (!influence.ok()) return influence.status();
  for (size_t i = 0; i < influence->size(); ++i) {
    const StudyInfluence& s = (*influence)[i];
    av1::StudyInfluenceRow* row = response.add_influence();
    row->set_study(included[i]->name);
    row->set_rstudent(s.rstudent);
    row->set_dffits(s.dffits);
    row->set_cooks_distance(s.cooks_distance);
    row->set_cov_ratio(s.cov_ratio);
    row->set_tau2_deleted(s.tau2_deleted);
    row->set_qe_deleted(s.qe_deleted);
    row->set_hat(s.hat);
    row->set_weight_percent(s.weight_percent);
    row->set_dfbetas(s.dfbetas.front());
    row->set_influential(s.influential);
    row->set_heterogeneity_contribution(s.baujat_x);
    row->set_influence_on_result(s.baujat_y);
  }
  return absl::OkStatus();
}

}  // namespace kip::meta
