// A study as CDISC ODM 1.3.2 XML (issue #16): metadata (one form per event
// type), administrative data (users, sites, signature meanings) and the
// clinical data as corrected - each form with its audit record (who, where,
// when, the source event and its hash, the reason of a correction) and each
// session with its latest investigator signature. Written with libxml2's
// xmlTextWriter; valid against the ODM 1.3.2 schemas.
#ifndef KIP_SERVICES_SESSIONS_LOG_ODM_EXPORT_H_
#define KIP_SERVICES_SESSIONS_LOG_ODM_EXPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "services/sessions/log/study_export.h"

namespace kip::sessions {

// `records` as the caller may see them (arms withheld, free text withheld).
absl::StatusOr<std::string> OdmXml(const v1::Study& study,
                                   const std::vector<PatientRecord>& records,
                                   absl::Time created);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_LOG_ODM_EXPORT_H_
