#include "services/sessions/log/study_export.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "base/status_macros.h"
#include "clinical/dose_accounting.h"
#include "services/sessions/log/export_tables.h"
#include "services/sessions/log/fhir_export.h"
#include "services/sessions/log/odm_export.h"
#include "services/sessions/log/researcher_view.h"
#include "services/sessions/store/row_codec.h"

namespace kip::sessions {

using export_internal::Cell;
using export_internal::IsoTime;
using export_internal::Num;
using export_internal::Tables;
using export_internal::TimepointName;
using export_internal::Usubjid;
using export_internal::Visit;

std::vector<ExportTable> CsvPerEventType(
    const v1::Study& study, const std::vector<PatientRecord>& records) {
  Tables tables;
  const std::vector<std::string> key = {
      "study_id",    "site_id",    "patient_id", "arm_id",
      "session_id",  "course_day", "event_id",   "session_sequence",
      "device_time", "recorded_by"};
  // kit_code (a blinded study's label, issue #15) comes last, so the columns
  // that were there before keep their places.
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> header = key;
    header.insert(header.end(), extra.begin(), extra.end());
    header.push_back("kit_code");
    return header;
  };
  for (const PatientRecord& record : records) {
    const v1::Patient& p = record.patient;
    for (const v1::GetSessionResponse& s : record.sessions) {
      for (const v1::Event& e : s.events()) {
        std::vector<std::string> row = {study.id(),
                                        p.site_id(),
                                        p.patient_id(),
                                        p.arm_id(),
                                        s.session().session_id(),
                                        absl::StrCat(s.session().course_day()),
                                        e.event_id(),
                                        absl::StrCat(e.session_sequence()),
                                        IsoTime(e.device_time()),
                                        e.recorded_by()};
        auto add = [&](const std::string& table,
                       std::vector<std::string> extra_header,
                       std::vector<std::string> extra) {
          std::vector<std::string> cells = row;
          cells.insert(cells.end(), extra.begin(), extra.end());
          cells.push_back(p.kit_code());
          tables.Row(table, with(std::move(extra_header)), cells);
        };
        const std::vector<std::string> infusion_header = {
            "action",          "rate_mg_per_kg_per_h",    "rate_mg_per_h",
            "rate_ml_per_h",   "concentration_mg_per_ml", "reason",
            "override_reason", "override_clinician_id"};
        switch (e.payload_case()) {
          case v1::Event::kInfusionStarted: {
            const auto& x = e.infusion_started();
            add("infusion_events", infusion_header,
                {"started", Num(x.rate_mg_per_kg_per_h()),
                 Num(x.rate_mg_per_h()), Num(x.rate_ml_per_h()),
                 Num(x.concentration_mg_per_ml()), "", "", ""});
            break;
          }
          case v1::Event::kRateChanged: {
            const auto& x = e.rate_changed();
            add("infusion_events", infusion_header,
                {"rate_changed", Num(x.rate_mg_per_kg_per_h()),
                 Num(x.rate_mg_per_h()), Num(x.rate_ml_per_h()), "", x.reason(),
                 x.override_reason(), x.override_clinician_id()});
            break;
          }
          case v1::Event::kInfusionPaused:
            add("infusion_events", infusion_header,
                {"paused", "", "", "", "", e.infusion_paused().reason(), "",
                 ""});
            break;
          case v1::Event::kInfusionResumed:
            add("infusion_events", infusion_header,
                {"resumed", "", "", "", "", "", "", ""});
            break;
          case v1::Event::kInfusionStopped:
            add("infusion_events", infusion_header,
                {"stopped", "", "", "", "", e.infusion_stopped().reason(), "",
                 ""});
            break;
          case v1::Event::kBolus:
            add("boluses", {"dose_mg", "dose_mg_per_kg"},
                {Num(e.bolus().dose_mg()), Num(e.bolus().dose_mg_per_kg())});
            break;
          case v1::Event::kPainScore:
            add("pain_scores", {"nrs", "loinc", "timepoint", "follow_up_day"},
                {Num(e.pain_score().nrs()), "72514-3",
                 TimepointName(e.pain_score().timepoint()),
                 absl::StrCat(e.pain_score().follow_up_day())});
            break;
          case v1::Event::kQuestionnaire: {
            const auto& q = e.questionnaire();
            std::vector<std::string> header = {
                "instrument", "timepoint", "follow_up_day", "severity_score",
                "interference_score"};
            std::vector<std::string> cells = {
                q.instrument(), TimepointName(q.timepoint()),
                absl::StrCat(q.follow_up_day()), Num(q.severity_score()),
                Num(q.interference_score())};
            const char* severity_items[] = {"bpi3", "bpi4", "bpi5", "bpi6"};
            for (int i = 0; i < 4; ++i) {
              header.push_back(severity_items[i]);
              cells.push_back(
                  i < q.severity_items_size() ? Num(q.severity_items(i)) : "");
            }
            for (int i = 0; i < 7; ++i) {
              header.push_back(absl::StrCat("bpi9", std::string(1, 'a' + i)));
              cells.push_back(i < q.interference_items_size()
                                  ? Num(q.interference_items(i))
                                  : "");
            }
            add("questionnaires", header, cells);
            break;
          }
          case v1::Event::kSideEffect: {
            const auto& x = e.side_effect();
            add("side_effects",
                {"type", "description", "severity", "ctcae_grade", "serious",
                 "action_taken", "seriousness_criteria", "causality",
                 "expectedness", "awareness_time", "follow_up_of_event_id"},
                {v1::SideEffectType_Name(x.type()), x.description(),
                 x.severity() == v1::SIDE_EFFECT_SEVERITY_UNSPECIFIED
                     ? ""
                     : v1::SideEffectSeverity_Name(x.severity()),
                 x.ctcae_grade() ? absl::StrCat(x.ctcae_grade()) : "",
                 x.serious() ? "Y" : "N", x.action_taken(),
                 export_internal::SeriousnessCriteria(x),
                 x.causality() ? v1::Causality_Name(x.causality()) : "",
                 x.expectedness() ? v1::Expectedness_Name(x.expectedness())
                                  : "",
                 x.has_awareness_time() ? IsoTime(x.awareness_time()) : "",
                 x.follow_up_of_event_id()});
            break;
          }
          case v1::Event::kSafetyReportSubmitted: {
            const auto& x = e.safety_report_submitted();
            add("safety_report_submissions",
                {"adverse_event_id", "kind", "reference", "server_time"},
                {x.adverse_event_id(), v1::SafetyReportKind_Name(x.kind()),
                 x.reference(), IsoTime(e.server_time())});
            break;
          }
          case v1::Event::kSignature:
            export_internal::SignatureRow(tables, study, p,
                                          s.session().session_id(), e);
            break;
          case v1::Event::kDrugLibraryAlert: {
            const auto& x = e.drug_library_alert();
            std::string limits;
            for (const auto& l : x.limits())
              absl::StrAppend(&limits, limits.empty() ? "" : ";", l.limit());
            add("drug_library_alerts",
                {"verdict", "limits", "overridden", "override_reason",
                 "override_clinician_id", "protocol_id", "care_area",
                 "rate_mg_per_h"},
                {x.verdict(), limits, x.overridden() ? "Y" : "N",
                 x.override_reason(), x.override_clinician_id(),
                 x.protocol_id(), x.care_area(), Num(x.rate_mg_per_h())});
            break;
          }
          case v1::Event::kPumpAlarm: {
            const auto& x = e.pump_alarm();
            add("pump_alarms",
                {"device_id", "code", "name", "text", "phase", "state",
                 "message_control_id"},
                {x.device_id(), x.code(), x.name(), x.text(), x.phase(),
                 x.state(), x.message_control_id()});
            break;
          }
          case v1::Event::kPumpOrder: {
            const auto& x = e.pump_order();
            add("pump_orders",
                {"device_id", "order_id", "message_control_id", "rate_ml_per_h",
                 "rate_mg_per_h", "volume_ml", "concentration_mg_per_ml",
                 "commit_ack", "application_ack", "pump_server_error"},
                {x.device_id(), x.order_id(), x.message_control_id(),
                 Num(x.rate_ml_per_h()), Num(x.rate_mg_per_h()),
                 Num(x.volume_ml()), Num(x.concentration_mg_per_ml()),
                 x.commit_ack(), x.application_ack(), x.pump_server_error()});
            break;
          }
          case v1::Event::kPumpMismatch: {
            const auto& x = e.pump_mismatch();
            add("pump_mismatches",
                {"device_id", "field", "expected", "reported",
                 "message_control_id"},
                {x.device_id(), x.field(), x.expected(), x.reported(),
                 x.message_control_id()});
            break;
          }
          case v1::Event::kVitalSigns: {
            const auto& x = e.vital_signs();
            add("vital_signs",
                {"systolic_bp_mmhg", "diastolic_bp_mmhg", "heart_rate_per_min",
                 "spo2_percent", "respiratory_rate_per_min", "sedation_score"},
                {x.has_systolic_bp_mmhg() ? Num(x.systolic_bp_mmhg()) : "",
                 x.has_diastolic_bp_mmhg() ? Num(x.diastolic_bp_mmhg()) : "",
                 x.has_heart_rate_per_min() ? Num(x.heart_rate_per_min()) : "",
                 x.has_spo2_percent() ? Num(x.spo2_percent()) : "",
                 x.has_respiratory_rate_per_min()
                     ? Num(x.respiratory_rate_per_min())
                     : "",
                 x.has_sedation_score() ? absl::StrCat(x.sedation_score())
                                        : ""});
            break;
          }
          case v1::Event::kAdjunctMedication: {
            const auto& x = e.adjunct_medication();
            add("adjunct_medications", {"drug", "dose_mg", "route", "reason"},
                {x.drug(), Num(x.dose_mg()), x.route(), x.reason()});
            break;
          }
          case v1::Event::kNote:
            add("notes", {"text"}, {e.note().text()});
            break;
          case v1::Event::kCorrection:
            add("corrections",
                {"corrected_event_id", "reason", "replacement_type"},
                {e.correction().corrected_event_id(), e.correction().reason(),
                 e.correction().has_replacement()
                     ? e.correction()
                           .replacement()
                           .GetDescriptor()
                           ->FindFieldByNumber(
                               e.correction().replacement().payload_case())
                           ->name()
                     : ""});
            break;
          case v1::Event::PAYLOAD_NOT_SET:
            break;
        }
      }
    }
  }
  return tables.Take();
}

ExportTable UnblindingTable(const std::vector<v1::TrialLogEntry>& unblindings) {
  Tables tables;
  const std::vector<std::string> header = {
      "study_id", "sequence",     "kind", "patient_id",
      "kit_code", "unblinded_by", "time", "reason"};
  tables.Declare("unblinding", header);
  for (const v1::TrialLogEntry& e : unblindings) {
    tables.Row("unblinding", header,
               {e.study_id(), absl::StrCat(e.sequence()),
                v1::TrialLogEntry::Kind_Name(e.kind()), e.patient_id(),
                e.kit_code(), e.by_subject(), IsoTime(e.time()), e.reason()});
  }
  return tables.Take().front();
}

absl::StatusOr<std::vector<PatientRecord>> StudyRecords(
    EventLog& log, const std::string& study_id, bool withhold_free_text) {
  KIP_ASSIGN_OR_RETURN(patients, log.ListPatients(study_id));
  std::map<std::string, PatientRecord> by_patient;
  for (v1::Patient& patient : patients) {
    by_patient[patient.patient_id()].patient = std::move(patient);
  }
  v1::ListSessionsRequest request;
  request.set_study_id(study_id);
  request.set_page_size(1000);
  while (true) {
    KIP_ASSIGN_OR_RETURN(page, log.ListSessions(request));
    for (const v1::InfusionSession& session : page.sessions()) {
      KIP_ASSIGN_OR_RETURN(full, log.GetSession(session.session_id()));
      if (withhold_free_text) {
        for (v1::Event& event : *full.mutable_events()) WithholdFreeText(event);
      }
      by_patient[session.patient_id()].sessions.push_back(std::move(full));
    }
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  std::vector<PatientRecord> records;
  for (auto& [id, record] : by_patient) records.push_back(std::move(record));
  return records;
}

absl::StatusOr<std::vector<ExportTable>> ExportStudyTables(
    EventLog& log, const v1::Study& study, v1::ExportFormat format,
    const ExportView& view) {
  if (format != v1::CSV_PER_EVENT_TYPE && format != v1::SDTM &&
      format != v1::ODM && format != v1::FHIR) {
    return absl::InvalidArgumentError(
        "format: is required (CSV_PER_EVENT_TYPE, SDTM, ODM or FHIR)");
  }
  KIP_ASSIGN_OR_RETURN(records,
                       StudyRecords(log, study.id(), view.withhold_free_text));
  for (PatientRecord& record : records) view.show_patient(record.patient);
  if (format == v1::ODM) {
    KIP_ASSIGN_OR_RETURN(xml, OdmXml(study, records, absl::Now()));
    return std::vector<ExportTable>{{study.id() + ".odm.xml", std::move(xml)}};
  }
  if (format == v1::FHIR) {
    return std::vector<ExportTable>{
        {study.id() + ".fhir.json", FhirBundleJson(study, records, absl::Now())}};
  }
  std::vector<ExportTable> tables = format == v1::SDTM
                                        ? SdtmTables(study, records)
                                        : CsvPerEventType(study, records);
  if (format == v1::SDTM) {
    tables.push_back(DvTable(study, view.deviations));
    tables.push_back(DsTable(study, records, view.allocations));
  }
  if (study.blinded()) tables.push_back(UnblindingTable(view.unblindings));
  return tables;
}

}  // namespace kip::sessions
