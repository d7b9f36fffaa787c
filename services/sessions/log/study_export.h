// Research exports of one study: a CSV per event type (every logged event as
// recorded, corrections included), or CDISC SDTM-style tables (DM, EX per
// constant-rate interval, EC as collected in mL/h, AE, VS, CM, QS) built from
// the corrected events, so that statisticians load them in R or SAS without
// transformation.
#ifndef KIP_SERVICES_SESSIONS_LOG_STUDY_EXPORT_H_
#define KIP_SERVICES_SESSIONS_LOG_STUDY_EXPORT_H_

#include <functional>
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

// Every patient of the study with their sessions and events, in patient id
// order; `withhold_free_text`: the researcher's view (researcher_view.h).
absl::StatusOr<std::vector<PatientRecord>> StudyRecords(
    EventLog& log, const std::string& study_id, bool withhold_free_text);

// What the caller may see of the study.
struct ExportView {
  bool withhold_free_text = false;  // the researcher's view (researcher_view.h)
  // Applied to each patient first: withholds an arm the caller may not see.
  std::function<void(v1::Patient&)> show_patient = [](v1::Patient&) {};
  // Emergency and study unblindings, exported as the "unblinding" table
  // (without arms) so that they show in the study's reports.
  std::vector<v1::TrialLogEntry> unblindings;
  // SDTM DV: protocol deviations found from the log (safety/deviations.h).
  std::vector<v1::Deviation> deviations;
  // SDTM DS: the trial log's allocations (RANDOMIZED milestones).
  std::vector<v1::TrialLogEntry> allocations;
};

// `study` as the caller may see it (trial/arm_visibility.h).
absl::StatusOr<std::vector<ExportTable>> ExportStudyTables(
    EventLog& log, const v1::Study& study, v1::ExportFormat format,
    const ExportView& view = {});

// SDTM DV (protocol deviations) and DS (disposition: each patient's
// enrolment or randomisation milestone).
ExportTable DvTable(const v1::Study& study,
                    const std::vector<v1::Deviation>& deviations);
ExportTable DsTable(const v1::Study& study,
                    const std::vector<PatientRecord>& records,
                    const std::vector<v1::TrialLogEntry>& allocations);

// The unblinding table: sequence, kind, patient, kit code, who, when, why.
ExportTable UnblindingTable(const std::vector<v1::TrialLogEntry>& unblindings);

// The pure part, for tests: tables from records already read.
std::vector<ExportTable> CsvPerEventType(
    const v1::Study& study, const std::vector<PatientRecord>& records);
std::vector<ExportTable> SdtmTables(const v1::Study& study,
                                    const std::vector<PatientRecord>& records);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_LOG_STUDY_EXPORT_H_
