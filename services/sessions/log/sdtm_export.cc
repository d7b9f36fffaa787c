// SdtmTables: CDISC SDTM-style domains from the corrected events.
#include "clinical/dose_accounting.h"
#include "services/sessions/log/export_tables.h"
#include "services/sessions/log/study_export.h"

namespace kip::sessions {

using export_internal::Cell;
using export_internal::IsoTime;
using export_internal::Num;
using export_internal::Tables;
using export_internal::TimepointName;
using export_internal::Usubjid;
using export_internal::Visit;

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
                "AGEGR1", "ARMCD", "ARM", "RFSTDTC", "KITCODE"},
               {study.id(), "DM", usubjid, p.patient_id(), p.site_id(),
                p.sex() == kip::common::v1::FEMALE ? "F"
                : p.sex() == kip::common::v1::MALE ? "M"
                                                   : "U",
                p.age_band(), p.arm_id(), arm_titles[p.arm_id()],
                record.sessions.empty()
                    ? ""
                    : IsoTime(record.sessions.front().session().start_time()),
                p.kit_code()});
    int ex_seq = 0, ec_seq = 0, ae_seq = 0, vs_seq = 0, cm_seq = 0, qs_seq = 0;
    for (const v1::GetSessionResponse& s : record.sessions) {
      const std::string visit = absl::StrCat(s.session().course_day());
      // EX: one row per constant-rate interval that ended (while the
      // infusion runs the interval is not yet a dose record).
      const std::vector<v1::Event> events = clinical::Timeline(
          std::vector<v1::Event>(s.events().begin(), s.events().end()));
      for (const clinical::RateInterval& interval :
           clinical::RateIntervals(events, p.baseline_weight_kg())) {
        if (interval.rate_mg_per_h <= 0 ||
            interval.end == absl::InfiniteFuture())
          continue;
        tables.Row("EX", ex_header,
                   {study.id(), "EX", usubjid, absl::StrCat(++ex_seq),
                    "KETAMINE", Num(interval.rate_mg_per_h), "mg/h",
                    "CONTINUOUS", "INTRAVENOUS", interval.adjustment_reason,
                    IsoTime(interval.start), IsoTime(interval.end), visit});
      }
      for (const v1::Event& e : events) {
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
          case v1::Event::kBolus:
            tables.Row(
                "EX", ex_header,
                {study.id(), "EX", usubjid, absl::StrCat(++ex_seq), "KETAMINE",
                 Num(e.bolus().dose_mg()), "mg", "ONCE", "INTRAVENOUS", "",
                 IsoTime(e.device_time()), IsoTime(e.device_time()), visit});
            break;
          case v1::Event::kSideEffect: {
            const auto& x = e.side_effect();
            // The seriousness criteria (AESDTH..AESMIE) and causality
            // (AEREL) come last, so the earlier columns keep their places.
            auto criterion = [&](v1::SeriousnessCriterion c) -> std::string {
              if (!x.serious()) return "";
              for (int has : x.seriousness_criteria())
                if (has == c) return "Y";
              return "N";
            };
            tables.Row(
                "AE",
                {"STUDYID", "DOMAIN", "USUBJID", "AESEQ", "AETERM", "AEDECOD",
                 "AESEV", "AETOXGR", "AESER", "AEACNOTH", "AESTDTC", "VISITNUM",
                 "AESDTH", "AESLIFE", "AESHOSP", "AESDISAB", "AESCONG",
                 "AESMIE", "AEREL"},
                {study.id(), "AE", usubjid, absl::StrCat(++ae_seq),
                 x.description().empty() ? v1::SideEffectType_Name(x.type())
                                         : x.description(),
                 v1::SideEffectType_Name(x.type()),
                 x.severity() == v1::SIDE_EFFECT_SEVERITY_UNSPECIFIED
                     ? ""
                     : v1::SideEffectSeverity_Name(x.severity()),
                 x.ctcae_grade() ? absl::StrCat(x.ctcae_grade()) : "",
                 x.serious() ? "Y" : "N", x.action_taken(),
                 IsoTime(e.device_time()), visit, criterion(v1::DEATH),
                 criterion(v1::LIFE_THREATENING),
                 criterion(v1::HOSPITALISATION), criterion(v1::DISABILITY),
                 criterion(v1::CONGENITAL_ANOMALY),
                 criterion(v1::OTHER_IMPORTANT_MEDICAL_EVENT),
                 x.causality() == v1::CAUSALITY_UNSPECIFIED
                     ? ""
                     : v1::Causality_Name(x.causality())});
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
          case v1::Event::kSignature:
            export_internal::SignatureRow(tables, study, p,
                                          s.session().session_id(), e);
            break;
          default:
            break;
        }
      }
    }
  }
  return tables.Take();
}

ExportTable DvTable(const v1::Study& study,
                    const std::vector<v1::Deviation>& deviations) {
  Tables tables;
  const std::vector<std::string> header = {"STUDYID", "DOMAIN",  "USUBJID",
                                           "DVSEQ",   "DVREFID", "DVTERM",
                                           "DVDECOD", "DVCAT",   "DVSTDTC"};
  tables.Declare("DV", header);
  std::map<std::string, int> seq;
  for (const v1::Deviation& d : deviations) {
    tables.Row("DV", header,
               {study.id(), "DV", absl::StrCat(study.id(), "-", d.patient_id()),
                absl::StrCat(++seq[d.patient_id()]), d.event_id(), d.detail(),
                d.code(), v1::DeviationSeverity_Name(d.severity()),
                IsoTime(d.time())});
  }
  return tables.Take().front();
}

ExportTable DsTable(const v1::Study& study,
                    const std::vector<PatientRecord>& records,
                    const std::vector<v1::TrialLogEntry>& allocations) {
  std::map<std::string, const v1::TrialLogEntry*> allocated;
  for (const v1::TrialLogEntry& e : allocations) allocated[e.patient_id()] = &e;
  Tables tables;
  const std::vector<std::string> header = {"STUDYID", "DOMAIN", "USUBJID",
                                           "DSSEQ",   "DSTERM", "DSDECOD",
                                           "DSCAT",   "DSSTDTC"};
  tables.Declare("DS", header);
  for (const PatientRecord& r : records) {
    auto it = allocated.find(r.patient.patient_id());
    const bool randomised = it != allocated.end();
    tables.Row(
        "DS", header,
        {study.id(), "DS", Usubjid(r.patient), "1",
         randomised ? "RANDOMIZED" : "ENROLLED",
         randomised ? "RANDOMIZED" : "ENROLLED", "PROTOCOL MILESTONE",
         IsoTime(randomised ? it->second->time() : r.patient.enrolled_time())});
  }
  return tables.Take().front();
}

}  // namespace kip::sessions
