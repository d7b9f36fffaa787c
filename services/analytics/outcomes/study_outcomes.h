// Per-arm outcomes of a trial logged in the sessions service: change in pain
// from baseline to the end of the course or to follow-up, responders at >= 30%
// or >= 50% pain reduction, patients with a side effect, and the dose received
// (mean infusion rate in mg/kg/h, grouped into bands) - with rows ready to pool
// against published studies. Pure C++ over the sessions messages.
#ifndef KIP_SERVICES_ANALYTICS_OUTCOMES_STUDY_OUTCOMES_H_
#define KIP_SERVICES_ANALYTICS_OUTCOMES_STUDY_OUTCOMES_H_

#include <vector>

#include "absl/status/statusor.h"
#include "kip/analytics/v1/analytics.pb.h"
#include "kip/sessions/v1/sessions.pb.h"

namespace kip::outcomes {

// One patient with every session of theirs and its events.
struct LoggedPatient {
  kip::sessions::v1::Patient patient;
  std::vector<kip::sessions::v1::GetSessionResponse> sessions;
};

absl::StatusOr<kip::analytics::v1::ComputeStudyOutcomesResponse>
ComputeOutcomes(const std::vector<LoggedPatient>& patients,
                const kip::analytics::v1::ComputeStudyOutcomesRequest& request);

// Responders (pain reduction >= threshold, at follow-up if logged, else at the
// end of the course) against each baseline QST predictor (temporal summation,
// conditioned pain modulation) by univariable logistic regression, as Bosma
// 2018 reported. Patients without the predictor or an outcome are left out.
absl::StatusOr<kip::analytics::v1::AnalyzeBaselinePredictorsResponse>
AnalyzePredictors(
    const std::vector<LoggedPatient>& patients,
    const kip::analytics::v1::AnalyzeBaselinePredictorsRequest& request);

}  // namespace kip::outcomes

#endif  // KIP_SERVICES_ANALYTICS_OUTCOMES_STUDY_OUTCOMES_H_
