// A study as one HL7 FHIR R4 (4.0.1) Bundle of type "collection" (issue #18):
// ResearchStudy, a pseudonymous Patient (no name, no birth date) and a
// ResearchSubject per patient, a Device per pump or tablet, an Encounter per
// infusion session (which the session's resources point at), a
// MedicationAdministration per constant-rate interval, bolus and adjunct
// drug, an Observation per pain score (LOINC 72514-3) and vital sign (the
// LOINC codes of CLINICAL.md), and an AdverseEvent per side effect. Resource
// ids are name-based UUIDs, so the same study exports the same ids.
#ifndef KIP_SERVICES_SESSIONS_LOG_FHIR_EXPORT_H_
#define KIP_SERVICES_SESSIONS_LOG_FHIR_EXPORT_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "services/sessions/log/study_export.h"

namespace kip::sessions {

// `study` and `records` as the caller may see them (arms and free text
// withheld as in every export); JSON, UTF-8.
std::string FhirBundleJson(const v1::Study& study,
                           const std::vector<PatientRecord>& records,
                           absl::Time created);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_LOG_FHIR_EXPORT_H_
