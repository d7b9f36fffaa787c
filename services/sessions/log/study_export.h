// Research exports of one study: a CSV per event type (every logged event as
// recorded, corrections included), or CDISC SDTM-style tables (DM, EX per
// constant-rate interval, EC as collected in mL/h, AE, VS, CM, QS) built from
// the corrected events, so that statisticians load them in R or SAS without
// transformation.
#ifndef KIP_SERVICES_SESSIONS_LOG_STUDY_EXPORT_H_
#define KIP_SERVICES_SESSIONS_LOG_STUDY_EXPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "services/sessions/log/event_log.h"

namespace kip::sessions {

struct ExportTable {
  std::string name;  // "pain_scores", "EX", ...
  std::string csv;   // RFC 4180, header first, UTF-8
};

// One patient's sessions with their events, in start order.
struct PatientRecord {
  v1::Patient patient;
  std::vector<v1::GetSessionResponse> sessions;
};

// `withhold_free_text`: the researcher's view (researcher_view.h).
absl::StatusOr<std::vector<ExportTable>> ExportStudyTables(
    EventLog& log, const std::string& study_id, v1::ExportFormat format,
    bool withhold_free_text = false);

// The pure part, for tests: tables from records already read.
std::vector<ExportTable> CsvPerEventType(
    const v1::Study& study, const std::vector<PatientRecord>& records);
std::vector<ExportTable> SdtmTables(const v1::Study& study,
                                    const std::vector<PatientRecord>& records);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_LOG_STUDY_EXPORT_H_
