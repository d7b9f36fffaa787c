#include "services/analytics/meta/run_network.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "services/analytics/meta/network.h"
#include "services/analytics/meta/prepared_study.h"

namespace kip::meta {
namespace {

namespace av1 = kip::analytics::v1;

absl::StatusOr<NetworkOptions> OptionsOf(
    const av1::RunNetworkMetaAnalysisRequest& r) {
  NetworkOptions o;
  switch (r.measure()) {
    case av1::MD:
      o.measure = NetworkMeasure::kMeanDifference;
      break;
    case av1::OR:
      o.measure = NetworkMeasure::kLogOddsRatio;
      break;
    case av1::RR:
      o.measure = NetworkMeasure::kLogRiskRatio;
      break;
    case av1::RD:
      o.measure = NetworkMeasure::kRiskDifference;
      break;
    default:
      return absl::InvalidArgumentError(
          "measure: a network meta-analysis takes MD, OR, RR or RD");
  }
  o.random_effects = r.model() != av1::FIXED_EFFECT;
  if (r.tau2_estimator() == av1::MAXIMUM_LIKELIHOOD) {
    o.tau2_method = Tau2Method::kML;
  } else if (r.tau2_estimator() != av1::TAU2_ESTIMATOR_UNSPECIFIED &&
             r.tau2_estimator() != av1::REML) {
    return absl::InvalidArgumentError(
        "tau2_estimator: a network meta-analysis takes REML or "
        "MAXIMUM_LIKELIHOOD");
  }
  o.reference = r.reference();
  o.smaller_is_better = !r.larger_is_better();
  o.confidence_level = r.confidence_level() == 0 ? 0.95 : r.confidence_level();
  if (!(o.confidence_level > 0 && o.confidence_level < 1))
    return absl::InvalidArgumentError(
        "confidence_level: must be within (0, 1)");
  return o;
}

absl::StatusOr<std::vector<NetworkArm>> ArmsOf(
    const av1::RunNetworkMetaAnalysisRequest& r, bool binary) {
  // The model's covariance is dense in the contrasts: bounded so a request
  // cannot ask for gigabytes.
  if (r.arms_size() < 2 || r.arms_size() > 2000)
    return absl::InvalidArgumentError(absl::StrCat(
        "arms: 2..2000 arms are required (", r.arms_size(), " given)"));
  std::vector<NetworkArm> arms;
  for (int i = 0; i < r.arms_size(); ++i) {
    const av1::NetworkArmData& a = r.arms(i);
    NetworkArm arm{a.study(), a.treatment()};
    if (binary && a.has_events()) {
      arm.events = static_cast<double>(a.events().events());
      arm.total = static_cast<double>(a.events().total());
    } else if (!binary && a.has_continuous()) {
      arm.mean = a.continuous().mean();
      arm.sd = a.continuous().sd();
      arm.n = static_cast<double>(a.continuous().n());
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "arms[", i, "] (", a.study(), ", ", a.treatment(), "): needs ",
          binary ? "events and total" : "mean, sd and n", " for this measure"));
    }
    arms.push_back(arm);
  }
  return arms;
}

void FillEdges(const std::vector<NetworkArm>& arms,
               av1::RunNetworkMetaAnalysisResponse& out) {
  std::map<std::string, std::vector<std::string>> by_study;
  for (const NetworkArm& a : arms) by_study[a.study].push_back(a.treatment);
  std::map<std::pair<std::string, std::string>, int> edges;
  for (auto& [study, treatments] : by_study) {
    std::sort(treatments.begin(), treatments.end());
    for (size_t i = 0; i < treatments.size(); ++i)
      for (size_t j = i + 1; j < treatments.size(); ++j)
        ++edges[{treatments[i], treatments[j]}];
  }
  for (const auto& [pair, studies] : edges) {
    av1::NetworkEdge* e = out.add_edges();
    e->set_treatment_a(pair.first);
    e->set_treatment_b(pair.second);
    e->set_studies(studies);
  }
}

}  // namespace

absl::StatusOr<av1::RunNetworkMetaAnalysisResponse> RunNetworkMetaAnalysis(
    const av1::RunNetworkMetaAnalysisRequest& request) {
  absl::StatusOr<NetworkOptions> options = OptionsOf(request);
  if (!options.ok()) return options.status();
  absl::StatusOr<std::vector<NetworkArm>> arms =
      ArmsOf(request, request.measure() != av1::MD);
  if (!arms.ok()) return arms.status();
  absl::StatusOr<NetworkFit> fit = FitNetwork(*arms, *options);
  if (!fit.ok()) return fit.status();
  av1::RunNetworkMetaAnalysisResponse out;
  const av1::EffectMeasure m = request.measure();
  out.set_measure(m);
  out.set_reference(fit->treatments.front());
  for (const std::string& t : fit->treatments) out.add_treatments(t);
  out.set_studies(fit->studies);
  out.set_designs(fit->designs);
  out.set_tau2(fit->tau2);
  out.set_qe(fit->qe);
  out.set_qe_df(fit->qe_df);
  out.set_qe_p_value(fit->qe_p_value);
  for (const PairwiseEffect& e : fit->effects) {
    av1::NetworkEffect* row = out.add_effects();
    row->set_treatment_a(e.treatment_a);
    row->set_treatment_b(e.treatment_b);
    row->set_estimate(Report(m, e.estimate));
    row->set_ci_lower(Report(m, e.ci_lower));
    row->set_ci_upper(Report(m, e.ci_upper));
    row->set_se(e.se);
  }
  std::vector<size_t> order(fit->treatments.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return fit->p_scores[a] > fit->p_scores[b];
  });
  for (size_t i : order) {
    av1::TreatmentRank* rank = out.add_ranking();
    rank->set_treatment(fit->treatments[i]);
    rank->set_p_score(fit->p_scores[i]);
  }
  av1::InconsistencyTest* test = out.mutable_inconsistency();
  test->set_testable(fit->inconsistency_testable);
  test->set_q(fit->inconsistency_q);
  test->set_df(fit->inconsistency_df);
  test->set_p_value(fit->inconsistency_p_value);
  test->set_tau2(fit->inconsistency_tau2);
  test->set_method(
      "design-by-treatment interaction (Higgins et al. 2012), Wald test");
  FillEdges(*arms, out);
  return out;
}

}  // namespace kip::meta
