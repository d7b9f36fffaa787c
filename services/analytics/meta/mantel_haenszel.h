// Fixed-effect pooling of 2x2 tables without per-study effect sizes:
// Mantel-Haenszel for RR, OR and RD (variances: Greenland-Robins for RR,
// Robins-Breslow-Greenland for OR, Sato or Greenland-Robins for RD) and Peto's
// odds ratio, as metafor rma.mh()/rma.peto() (no correction) or RevMan 5 (0.5
// added to every cell of a zero-cell study inside the MH estimate).
// Estimates are on the analysis scale (log for RR and OR).
#ifndef KIP_SERVICES_ANALYTICS_META_MANTEL_HAENSZEL_H_
#define KIP_SERVICES_ANALYTICS_META_MANTEL_HAENSZEL_H_

#include <vector>

#include "absl/status/statusor.h"
#include "services/analytics/meta/effect_size.h"
#include "services/analytics/meta/pooling.h"

namespace kip::meta {

struct TableOptions {
  double confidence_level = 0.95;
  bool correct_zero_cells = false;  // RevMan 5: +0.5 in zero-cell studies
  // RD variance: Sato, Greenland & Robins 1989 (metafor), else Greenland &
  // Robins 1985 (RevMan 5).
  bool sato_rd_variance = true;
};

// Q (and I^2 = (Q - df) / Q, H^2 = Q / df) is computed around the pooled
// estimate from the studies' inverse-variance effects (0.5 added to zero
// cells; studies with no events in either arm left out), as metafor does.
absl::StatusOr<Pooled> PoolMantelHaenszel(
    const std::vector<DichotomousArms>& studies, DichotomousMeasure measure,
    const TableOptions& options = {});

absl::StatusOr<Pooled> PoolPeto(const std::vector<DichotomousArms>& studies,
                                const TableOptions& options = {});

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_MANTEL_HAENSZEL_H_
