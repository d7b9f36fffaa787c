// Between-study variance (tau^2) estimators of the random-effects model, as
// metafor's rma() computes them for an intercept-only model: DerSimonian-
// Laird, Hedges, Sidik-Jonkman (closed forms), Paule-Mandel (root of the
// generalised Q), ML and REML (Fisher scoring with step halving), and the
// Q-profile confidence interval of tau^2. Iterative estimators converge to a
// tolerance within an iteration cap, and say so when they do not.
#ifndef KIP_SERVICES_ANALYTICS_META_TAU2_H_
#define KIP_SERVICES_ANALYTICS_META_TAU2_H_

#include <vector>

#include "absl/status/statusor.h"

namespace kip::meta {

enum class Tau2Method {
  kDerSimonianLaird,
  kRestrictedML,
  kML,
  kPauleMandel,
  kHedges,
  kSidikJonkman
};

struct Tau2Control {
  double tolerance = 1e-12;  // on tau^2 changes, relative to max(1, tau^2)
  int max_iterations = 1000;
};

// yi, vi: effects and sampling variances (vi > 0), k >= 2 for anything but 0.
absl::StatusOr<double> EstimateTau2(const std::vector<double>& yi,
                                    const std::vector<double>& vi,
                                    Tau2Method method,
                                    const Tau2Control& control = {});

// Q_gen(tau2) = sum w_i (y_i - mu(tau2))^2, w_i = 1 / (v_i + tau2).
double GeneralisedQ(const std::vector<double>& yi,
                    const std::vector<double>& vi, double tau2);

struct Interval {
  double lower = 0;
  double upper = 0;
  bool upper_at_search_limit = false;  // the true bound lies beyond it
};
// The Q-profile interval: tau2 where Q_gen crosses the chi-square(k - 1)
// quantiles; bounds truncated at 0, and searched up to `search_limit`, as
// metafor's confint() does (its default limit: max(100, 10 x the estimate)).
absl::StatusOr<Interval> Tau2QProfileInterval(const std::vector<double>& yi,
                                              const std::vector<double>& vi,
                                              double level, double search_limit,
                                              const Tau2Control& control = {});

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_TAU2_H_
