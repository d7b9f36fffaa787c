// Validation of the session log's safety payloads (issue #16): side effects
// with their ICH E2A seriousness, causality and expectedness; drug-library
// alerts; and the record that a safety report was submitted. Each error is
// INVALID_ARGUMENT naming the field under `at` and the bound it broke.
#ifndef KIP_SERVICES_SESSIONS_LOG_SAFETY_PAYLOADS_H_
#define KIP_SERVICES_SESSIONS_LOG_SAFETY_PAYLOADS_H_

#include <string>

#include "absl/status/status.h"
#include "kip/sessions/v1/events.pb.h"

namespace kip::sessions {

absl::Status ValidateSideEffect(const kip::sessions::v1::SideEffect& p,
                                const std::string& at);
absl::Status ValidateDrugLibraryAlert(
    const kip::sessions::v1::DrugLibraryAlert& p, const std::string& at);
absl::Status ValidateSafetyReportSubmitted(
    const kip::sessions::v1::SafetyReportSubmitted& p, const std::string& at);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_LOG_SAFETY_PAYLOADS_H_
