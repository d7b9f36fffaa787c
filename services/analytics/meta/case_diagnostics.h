// The influence rows of a meta-analysis response: metafor's influence() on
// the intercept-only model of the included studies, with the analysis's
// estimator and test (inverse-variance pooling only).
#ifndef KIP_SERVICES_ANALYTICS_META_CASE_DIAGNOSTICS_H_
#define KIP_SERVICES_ANALYTICS_META_CASE_DIAGNOSTICS_H_

#include <vector>

#include "absl/status/status.h"
#include "kip/analytics/v1/analytics.pb.h"
#include "services/analytics/meta/prepared_study.h"

namespace kip::meta {

absl::Status AddInfluence(const std::vector<Prepared>& studies,
                          const av1::MetaAnalysisOptions& options,
                          av1::RunMetaAnalysisResponse& response);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_CASE_DIAGNOSTICS_H_
