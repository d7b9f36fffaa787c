#include "services/sessions/log/study_export.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "services/common/status_macros.h"
#include "services/sessions/log/dose_accounting.h"
#include "services/sessions/store/row_codec.h"

namespace kip::sessions {
namespace {

std::string Cell(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  return absl::StrCat("\"", absl::StrReplaceAll(value, {{"\"", "\"\""}}), "\"");
}

std::string Num(double value) { return absl::StrCat(value); }

std::string IsoTime(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", ToAbslTime(ts),
                          absl::UTCTimeZone());
}

// Tables in a stable order; rows appended as vectors of cells.
class Tables {
 public:
  void Row(const std::string& table, const std::vector<std::string>& header,
           const std::vector<std::string>& cells) {
    auto [it, added] = tables_.try_emplace(table);
    if (added) {
      order_.push_back(table);
      AppendLine(it->second, header);
    }
    AppendLine(it->second, cells);
  }
  std::vector<ExportTable> Take() {
    std::vector<ExportTable> out;
    for (const std::string& name : order_) {
      out.push_back({name, std::move(tables_[name])});
    }
    return out;
  }

 private:
  static void AppendLine(std::string& csv,
                         const std::vector<std::string>& cells) {
    std::vector<std::string> escaped;
    for (const std::string& cell : cells) escaped.push_back(Cell(cell));
    absl::StrAppend(&csv, absl::StrJoin(escaped, ","), "\r\n");
  }
  std::vector<std::string> order_;
  std::map<std::string, std::string> tables_;
};

const char* TimepointName(v1::PainTimepoint t) {
  switch (t) {
    case v1::BASELINE:
      return "BASELINE";
    case v1::DURING:
      return "DURING";
    case v1::END:
      return "END";
    case v1::FOLLOW_UP:
      return "FOLLOW-UP";
    default:
      return "";
  }
}

std::string Visit(v1::PainTimepoint t, int follow_up_day) {
  return t == v1::FOLLOW_UP ? absl::StrCat("FOLLOW-UP DAY ", follow_up_day)
                            : TimepointName(t);
}

std::string Usubjid(const v1::Patient& p) {
  return absl::StrCat(p.study_id(), "-", p.patient_id());
}

}  // namespace

std::vector<ExportTable> CsvPerEventType(
    const v1::Study& study, const std::vector<PatientRecord>& records) {
  Tables tables;
  const std::vector<std::string> key = {
      "study_id",    "site_id",    "patient_id", "arm_id",
      "session_id",  "course_day", "event_id",   "session_sequence",
      "device_time", "recorded_by"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> header = key;
    header.insert(header.end(), extra.begin(), extra.end());
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
                 "action_taken"},
                {v1::SideEffectType_Name(x.type()), x.description(),
                 x.severity() == v1::SIDE_EFFECT_SEVERITY_UNSPECIFIED
                     ? ""
                     : v1::SideEffectSeverity_Name(x.severity()),
                 x.ctcae_grade() ? absl::StrCat(x.ctcae_grade()) : "",
                 x.serious() ? "Y" : "N", x.action_taken()});
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

std::vector<ExportTable> SdtmTables(const v1::Study& study,
                                    const std::vector<PatientRecord>& records) {
  Tables tables;
  std::map<std::string, std::string> arm_titles;
  for (const v1::Arm& arm : study.arms()) arm_titles[arm.id()] = arm.title();
  const std::vector<std::string> ex_header = {
      "STUDYID", "DOMAIN",  "USUBJID",  "EXSEQ",   "EXTRT",
      "EXDOSE",  "EXDOSU",  "EXDOSFRQ", "EXROUTE", "EXADJ",
      "EXSTDTC", "EXENDTC", "VISITNUM"};
  for (const PatientRecord& record : records) {
    const v1::Patient& p = record.patient;
    const std::string usubjid = Usubjid(p);
    tables.Row("DM",
               {"STUDYID", "DOMAIN", "USUBJID", "SUBJID", "SITEID", "SEX",
                "AGEGR1", "ARMCD", "ARM", "RFSTDTC"},
               {study.id(), "DM", usubjid, p.patient_id(), p.site_id(),
                p.sex() == kip::common::v1::FEMALE ? "F"
                : p.sex() == kip::common::v1::MALE ? "M"
                                                   : "U",
                p.age_band(), p.arm_id(), arm_titles[p.arm_id()],
                record.sessions.empty()
                    ? ""
                    : IsoTime(record.sessions.front().session().start_time())});
    int ex_seq = 0, ec_seq = 0, ae_seq = 0, vs_seq = 0, cm_seq = 0, qs_seq = 0;
    for (const v1::GetSessionResponse& s : record.sessions) {
      const std::string visit = absl::StrCat(s.session().course_day());
      std::vector<v1::Event> events(s.events().begin(), s.events().end());
      events = ApplyCorrections(std::move(events));
      // EX: one row per constant-rate interval while the infusion runs.
      double rate_mg_per_h = 0;
      std::string adjust_reason;
      bool running = false;
      const google::protobuf::Timestamp* since = nullptr;
      auto close_interval = [&](const google::protobuf::Timestamp& until) {
        if (running && since != nullptr && rate_mg_per_h > 0) {
          tables.Row(
              "EX", ex_header,
              {study.id(), "EX", usubjid, absl::StrCat(++ex_seq), "KETAMINE",
               Num(rate_mg_per_h), "mg/h", "CONTINUOUS", "INTRAVENOUS",
               adjust_reason, IsoTime(*since), IsoTime(until), visit});
        }
      };
      for (const v1::Event& e : events) {
        const double w = p.baseline_weight_kg();
        // EC: exposure as collected at the pump, in mL/h.
        if (e.has_infusion_started() || e.has_rate_changed()) {
          const double ml_per_h = e.has_infusion_started()
                                      ? e.infusion_started().rate_ml_per_h()
                                      : e.rate_changed().rate_ml_per_h();
          tables.Row(
              "EC",
              {"STUDYID", "DOMAIN", "USUBJID", "ECSEQ", "ECTRT", "ECDOSE",
               "ECDOSU", "ECDOSFRQ", "ECROUTE", "ECSTDTC", "VISITNUM"},
              {study.id(), "EC", usubjid, absl::StrCat(++ec_seq), "KETAMINE",
               Num(ml_per_h), "mL/h", "CONTINUOUS", "INTRAVENOUS",
               IsoTime(e.device_time()), visit});
        }
        switch (e.payload_case()) {
          case v1::Event::kInfusionStarted:
            close_interval(e.device_time());
            rate_mg_per_h =
                e.infusion_started().rate_mg_per_h() > 0
                    ? e.infusion_started().rate_mg_per_h()
                    : e.infusion_started().rate_mg_per_kg_per_h() * w;
            running = true, since = &e.device_time(), adjust_reason.clear();
            break;
          case v1::Event::kRateChanged:
            close_interval(e.device_time());
            rate_mg_per_h = e.rate_changed().rate_mg_per_h() > 0
                                ? e.rate_changed().rate_mg_per_h()
                                : e.rate_changed().rate_mg_per_kg_per_h() * w;
            since = &e.device_time(), adjust_reason = e.rate_changed().reason();
            break;
          case v1::Event::kInfusionPaused:
          case v1::Event::kInfusionStopped:
            close_interval(e.device_time());
            running = false;
            break;
          case v1::Event::kInfusionResumed:
            running = true, since = &e.device_time();
            break;
          case v1::Event::kBolus:
            tables.Row(
                "EX", ex_header,
                {study.id(), "EX", usubjid, absl::StrCat(++ex_seq), "KETAMINE",
                 Num(e.bolus().dose_mg()), "mg", "ONCE", "INTRAVENOUS", "",
                 IsoTime(e.device_time()), IsoTime(e.device_time()), visit});
            break;
          case v1::Event::kSideEffect: {
            const auto& x = e.side_effect();
            tables.Row(
                "AE",
                {"STUDYID", "DOMAIN", "USUBJID", "AESEQ", "AETERM", "AEDECOD",
                 "AESEV", "AETOXGR", "AESER", "AEACNOTH", "AESTDTC",
                 "VISITNUM"},
                {study.id(), "AE", usubjid, absl::StrCat(++ae_seq),
                 x.description().empty() ? v1::SideEffectType_Name(x.type())
                                         : x.description(),
                 v1::SideEffectType_Name(x.type()),
                 x.severity() == v1::SIDE_EFFECT_SEVERITY_UNSPECIFIED
                     ? ""
                     : v1::SideEffectSeverity_Name(x.severity()),
                 x.ctcae_grade() ? absl::StrCat(x.ctcae_grade()) : "",
                 x.serious() ? "Y" : "N", x.action_taken(),
                 IsoTime(e.device_time()), visit});
            break;
          }
          case v1::Event::kVitalSigns: {
            const auto& x = e.vital_signs();
            auto vs = [&](bool has, const char* code, const char* test,
                          double v, const char* unit) {
              if (!has) return;
              tables.Row("VS",
                         {"STUDYID", "DOMAIN", "USUBJID", "VSSEQ", "VSTESTCD",
                          "VSTEST", "VSORRES", "VSORRESU", "VSSTRESN",
                          "VSSTRESU", "VSDTC", "VISITNUM"},
                         {study.id(), "VS", usubjid, absl::StrCat(++vs_seq),
                          code, test, Num(v), unit, Num(v), unit,
                          IsoTime(e.device_time()), visit});
            };
            vs(x.has_systolic_bp_mmhg(), "SYSBP", "Systolic Blood Pressure",
               x.systolic_bp_mmhg(), "mmHg");
            vs(x.has_diastolic_bp_mmhg(), "DIABP", "Diastolic Blood Pressure",
               x.diastolic_bp_mmhg(), "mmHg");
            vs(x.has_heart_rate_per_min(), "HR", "Heart Rate",
               x.heart_rate_per_min(), "beats/min");
            vs(x.has_spo2_percent(), "OXYSAT", "Oxygen Saturation",
               x.spo2_percent(), "%");
            vs(x.has_respiratory_rate_per_min(), "RESP", "Respiratory Rate",
               x.respiratory_rate_per_min(), "breaths/min");
            vs(x.has_sedation_score(), "SEDSCR", "Sedation Score",
               x.sedation_score(), "points");
            break;
          }
          case v1::Event::kAdjunctMedication: {
            const auto& x = e.adjunct_medication();
            tables.Row(
                "CM",
                {"STUDYID", "DOMAIN", "USUBJID", "CMSEQ", "CMTRT", "CMDOSE",
                 "CMDOSU", "CMROUTE", "CMINDC", "CMSTDTC", "VISITNUM"},
                {study.id(), "CM", usubjid, absl::StrCat(++cm_seq), x.drug(),
                 Num(x.dose_mg()), "mg", x.route(), x.reason(),
                 IsoTime(e.device_time()), visit});
            break;
          }
          case v1::Event::kPainScore:
          case v1::Event::kQuestionnaire: {
            const std::vector<std::string> qs_header = {
                "STUDYID", "DOMAIN",   "USUBJID", "QSSEQ",
                "QSCAT",   "QSTESTCD", "QSORRES", "QSSTRESN",
                "VISIT",   "QSDTC",    "VISITNUM"};
            auto qs = [&](const char* cat, const std::string& code, double v,
                          const std::string& when) {
              tables.Row(
                  "QS", qs_header,
                  {study.id(), "QS", usubjid, absl::StrCat(++qs_seq), cat, code,
                   Num(v), Num(v), when, IsoTime(e.device_time()), visit});
            };
            if (e.has_pain_score()) {
              qs("NRS", "PAINNRS", e.pain_score().nrs(),
                 Visit(e.pain_score().timepoint(),
                       e.pain_score().follow_up_day()));
              break;
            }
            const auto& q = e.questionnaire();
            const std::string when = Visit(q.timepoint(), q.follow_up_day());
            for (int i = 0; i < q.severity_items_size(); ++i) {
              qs("BPI-SF", absl::StrCat("BPI", 3 + i), q.severity_items(i),
                 when);
            }
            for (int i = 0; i < q.interference_items_size(); ++i) {
              qs("BPI-SF", absl::StrCat("BPI9", std::string(1, 'A' + i)),
                 q.interference_items(i), when);
            }
            qs("BPI-SF", "BPISEV", q.severity_score(), when);
            qs("BPI-SF", "BPIINT", q.interference_score(), when);
            break;
          }
          default:
            break;
        }
      }
    }
  }
  return tables.Take();
}

absl::StatusOr<std::vector<ExportTable>> ExportStudyTables(
    EventLog& log, const std::string& study_id, v1::ExportFormat format) {
  if (format != v1::CSV_PER_EVENT_TYPE && format != v1::SDTM) {
    return absl::InvalidArgumentError(
        "format: is required (CSV_PER_EVENT_TYPE or SDTM)");
  }
  KIP_ASSIGN_OR_RETURN(study, log.GetStudy(study_id));
  KIP_ASSIGN_OR_RETURN(patients, log.ListPatients(study_id));
  std::map<std::string, PatientRecord> by_patient;
  for (const v1::Patient& patient : patients) {
    by_patient[patient.patient_id()].patient = patient;
  }
  v1::ListSessionsRequest request;
  request.set_study_id(study_id);
  request.set_page_size(1000);
  while (true) {
    KIP_ASSIGN_OR_RETURN(page, log.ListSessions(request));
    for (const v1::InfusionSession& session : page.sessions()) {
      KIP_ASSIGN_OR_RETURN(full, log.GetSession(session.session_id()));
      by_patient[session.patient_id()].sessions.push_back(std::move(full));
    }
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  std::vector<PatientRecord> records;
  for (auto& [id, record] : by_patient) records.push_back(std::move(record));
  return format == v1::SDTM ? SdtmTables(study, records)
                            : CsvPerEventType(study, records);
}

}  // namespace kip::sessions
