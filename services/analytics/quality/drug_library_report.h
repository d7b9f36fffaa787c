// The drug-library quality report (continuous quality improvement) of a
// logged study: per month, site, care area and protocol, how many infusions
// ran and how often their programs hit the drug library - alerts, overrides
// and hard-limit stops per 100 infusions, and the limits hit most. Pure C++
// over the sessions messages (corrections applied), so it is tested by
// counting scripted events by hand.
//
// What is counted:
// - an infusion is an `infusion_started` event, in the month of its device
//   time (UTC), under its session's site and protocol and its own care area;
// - an alert is a `drug_library_alert` event (every program check that was
//   not OK, written by the dosing service), under its session's site and the
//   alert's own protocol and care area;
// - an override is an alert whose soft limit was overridden and the program
//   approved; a hard-limit stop is an alert with the HARD_LIMIT verdict.
#ifndef KIP_SERVICES_ANALYTICS_QUALITY_DRUG_LIBRARY_REPORT_H_
#define KIP_SERVICES_ANALYTICS_QUALITY_DRUG_LIBRARY_REPORT_H_

#include <vector>

#include "absl/status/statusor.h"
#include "kip/analytics/v1/analytics.pb.h"
#include "services/analytics/outcomes/study_outcomes.h"

namespace kip::quality {

// INVALID_ARGUMENT for a month that is not "YYYY-MM" or a range that ends
// before it starts: checked before anything is read.
absl::Status CheckReportRequest(
    const kip::analytics::v1::ComputeDrugLibraryReportRequest& request);

// CheckReportRequest, then the report. The response's `svg` is left empty
// (plots render it).
absl::StatusOr<kip::analytics::v1::ComputeDrugLibraryReportResponse>
ComputeDrugLibraryReport(
    const std::vector<outcomes::LoggedPatient>& patients,
    const kip::analytics::v1::ComputeDrugLibraryReportRequest& request);

}  // namespace kip::quality

#endif  // KIP_SERVICES_ANALYTICS_QUALITY_DRUG_LIBRARY_REPORT_H_
