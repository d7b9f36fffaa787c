#include "services/sessions/log/validation.h"

#include <cmath>
#include <numeric>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/error_details.h"
#include "services/sessions/log/device_payloads.h"
#include "services/sessions/log/field_checks.h"
#include "services/sessions/log/safety_payloads.h"

namespace kip::sessions {
namespace {

using field_checks::InRange;
using field_checks::Invalid;
using field_checks::Text;
using google::protobuf::util::TimeUtil;

constexpr size_t kMaxNoteLength = 20000;

absl::Status Id(const std::string& path, const std::string& value) {
  if (value.empty()) return Invalid(path, "is required");
  if (!IsSimpleId(value)) {
    return Invalid(path, absl::StrCat("'", value.substr(0, 80),
                                      "' is not 1..64 of [A-Za-z0-9._-]"));
  }
  return absl::OkStatus();
}

absl::Status Rates(const std::string& path, double mg_per_kg_per_h,
                   double mg_per_h, double ml_per_h) {
  KIP_RETURN_IF_ERROR(InRange(path + ".rate_mg_per_kg_per_h", mg_per_kg_per_h,
                              0, 10, "mg/kg/h"));
  KIP_RETURN_IF_ERROR(
      InRange(path + ".rate_mg_per_h", mg_per_h, 0, 2000, "mg/h"));
  KIP_RETURN_IF_ERROR(
      InRange(path + ".rate_ml_per_h", ml_per_h, 0, 1000, "mL/h"));
  return absl::OkStatus();
}

absl::Status Timepoint(const std::string& path, v1::PainTimepoint timepoint,
                       int follow_up_day) {
  if (timepoint == v1::PAIN_TIMEPOINT_UNSPECIFIED ||
      !v1::PainTimepoint_IsValid(timepoint)) {
    return Invalid(path + ".timepoint",
                   "is required (BASELINE, DURING, END or FOLLOW_UP)");
  }
  if (timepoint == v1::FOLLOW_UP) {
    if (follow_up_day < 1 || follow_up_day > 3650) {
      return Invalid(
          path + ".follow_up_day",
          absl::StrCat(follow_up_day, " is outside 1..3650 days (FOLLOW_UP)"));
    }
  } else if (follow_up_day != 0) {
    return Invalid(path + ".follow_up_day",
                   "is only allowed with timepoint FOLLOW_UP");
  }
  return absl::OkStatus();
}

absl::Status Items(const std::string& path,
                   const google::protobuf::RepeatedField<double>& items,
                   int expected_count) {
  if (items.size() != expected_count) {
    return Invalid(path, absl::StrCat("has ", items.size(),
                                      " items, BPI-SF has ", expected_count));
  }
  for (int i = 0; i < items.size(); ++i) {
    KIP_RETURN_IF_ERROR(
        InRange(absl::StrCat(path, "[", i, "]"), items[i], 0, 10, "NRS"));
  }
  return absl::OkStatus();
}

absl::Status Optional(const std::string& path, bool present, double value,
                      double lo, double hi, absl::string_view unit) {
  return present ? InRange(path, value, lo, hi, unit) : absl::OkStatus();
}

absl::Status Payload(const v1::Event& event, const std::string& path) {
  switch (event.payload_case()) {
    case v1::Event::kInfusionStarted: {
      const auto& p = event.infusion_started();
      const std::string at = path + ".infusion_started";
      KIP_RETURN_IF_ERROR(Rates(at, p.rate_mg_per_kg_per_h(), p.rate_mg_per_h(),
                                p.rate_ml_per_h()));
      if (p.rate_mg_per_kg_per_h() <= 0 && p.rate_mg_per_h() <= 0) {
        return Invalid(at + ".rate_mg_per_h",
                       "rate_mg_per_h or rate_mg_per_kg_per_h must be > 0");
      }
      if (!kip::common::v1::CareArea_IsValid(p.care_area())) {
        return Invalid(at + ".care_area", "is not a CareArea");
      }
      return InRange(at + ".concentration_mg_per_ml",
                     p.concentration_mg_per_ml(), 0.01, 100, "mg/mL");
    }
    case v1::Event::kRateChanged: {
      const auto& p = event.rate_changed();
      const std::string at = path + ".rate_changed";
      KIP_RETURN_IF_ERROR(Rates(at, p.rate_mg_per_kg_per_h(), p.rate_mg_per_h(),
                                p.rate_ml_per_h()));
      KIP_RETURN_IF_ERROR(Text(at + ".reason", p.reason(), false));
      KIP_RETURN_IF_ERROR(
          Text(at + ".override_reason", p.override_reason(), false));
      if (!p.override_reason().empty() && p.override_clinician_id().empty()) {
        return Invalid(at + ".override_clinician_id",
                       "is required when override_reason is set");
      }
      return Text(at + ".override_clinician_id", p.override_clinician_id(),
                  false);
    }
    case v1::Event::kInfusionPaused:
      return Text(path + ".infusion_paused.reason",
                  event.infusion_paused().reason(), false);
    case v1::Event::kInfusionResumed:
      return absl::OkStatus();
    case v1::Event::kInfusionStopped:
      return Text(path + ".infusion_stopped.reason",
                  event.infusion_stopped().reason(), false);
    case v1::Event::kBolus: {
      const auto& p = event.bolus();
      KIP_RETURN_IF_ERROR(
          InRange(path + ".bolus.dose_mg", p.dose_mg(), 0.01, 1000, "mg"));
      return InRange(path + ".bolus.dose_mg_per_kg", p.dose_mg_per_kg(), 0, 10,
                     "mg/kg");
    }
    case v1::Event::kPainScore: {
      const auto& p = event.pain_score();
      KIP_RETURN_IF_ERROR(
          InRange(path + ".pain_score.nrs", p.nrs(), 0, 10, "NRS"));
      return Timepoint(path + ".pain_score", p.timepoint(), p.follow_up_day());
    }
    case v1::Event::kQuestionnaire: {
      const auto& p = event.questionnaire();
      const std::string at = path + ".questionnaire";
      if (p.instrument() != "BPI-SF") {
        return Invalid(at + ".instrument",
                       absl::StrCat("'", p.instrument().substr(0, 40),
                                    "' is not supported; use \"BPI-SF\""));
      }
      KIP_RETURN_IF_ERROR(Items(at + ".severity_items", p.severity_items(), 4));
      KIP_RETURN_IF_ERROR(
          Items(at + ".interference_items", p.interference_items(), 7));
      return Timepoint(at, p.timepoint(), p.follow_up_day());
    }
    case v1::Event::kSideEffect:
      return ValidateSideEffect(event.side_effect(), path + ".side_effect");
    case v1::Event::kSignature:
      // Built by the server from its own rows (log/signatures.cc).
      return absl::OkStatus();
    case v1::Event::kDrugLibraryAlert:
      return ValidateDrugLibraryAlert(event.drug_library_alert(),
                                      path + ".drug_library_alert");
    case v1::Event::kPumpAlarm:
      return ValidatePumpAlarm(event.pump_alarm(), path + ".pump_alarm");
    case v1::Event::kPumpOrder:
      return ValidatePumpOrder(event.pump_order(), path + ".pump_order");
    case v1::Event::kPumpMismatch:
      return ValidatePumpMismatch(event.pump_mismatch(),
                                  path + ".pump_mismatch");
    case v1::Event::kSafetyReportSubmitted:
      return ValidateSafetyReportSubmitted(event.safety_report_submitted(),
                                           path + ".safety_report_submitted");
    case v1::Event::kVitalSigns: {
      const auto& p = event.vital_signs();
      const std::string at = path + ".vital_signs";
      if (!p.has_systolic_bp_mmhg() && !p.has_diastolic_bp_mmhg() &&
          !p.has_heart_rate_per_min() && !p.has_spo2_percent() &&
          !p.has_respiratory_rate_per_min() && !p.has_sedation_score()) {
        return Invalid(at, "needs at least one measurement");
      }
      KIP_RETURN_IF_ERROR(Optional(at + ".systolic_bp_mmhg",
                                   p.has_systolic_bp_mmhg(),
                                   p.systolic_bp_mmhg(), 40, 300, "mmHg"));
      KIP_RETURN_IF_ERROR(Optional(at + ".diastolic_bp_mmhg",
                                   p.has_diastolic_bp_mmhg(),
                                   p.diastolic_bp_mmhg(), 20, 200, "mmHg"));
      KIP_RETURN_IF_ERROR(Optional(at + ".heart_rate_per_min",
                                   p.has_heart_rate_per_min(),
                                   p.heart_rate_per_min(), 20, 250, "/min"));
      KIP_RETURN_IF_ERROR(Optional(at + ".spo2_percent", p.has_spo2_percent(),
                                   p.spo2_percent(), 50, 100, "%"));
      KIP_RETURN_IF_ERROR(Optional(
          at + ".respiratory_rate_per_min", p.has_respiratory_rate_per_min(),
          p.respiratory_rate_per_min(), 0, 60, "/min"));
      return Optional(at + ".sedation_score", p.has_sedation_score(),
                      p.sedation_score(), 0, 6, "points");
    }
    case v1::Event::kAdjunctMedication: {
      const auto& p = event.adjunct_medication();
      const std::string at = path + ".adjunct_medication";
      KIP_RETURN_IF_ERROR(Text(at + ".drug", p.drug(), true, 100));
      KIP_RETURN_IF_ERROR(
          InRange(at + ".dose_mg", p.dose_mg(), 0.001, 1000, "mg"));
      KIP_RETURN_IF_ERROR(Text(at + ".route", p.route(), true, 20));
      return Text(at + ".reason", p.reason(), false);
    }
    case v1::Event::kNote:
      return Text(path + ".note.text", event.note().text(), true,
                  kMaxNoteLength);
    case v1::Event::kCorrection: {
      const auto& p = event.correction();
      const std::string at = path + ".correction";
      if (!IsUuid(p.corrected_event_id())) {
        return Invalid(at + ".corrected_event_id", "must be a UUID");
      }
      KIP_RETURN_IF_ERROR(Text(at + ".reason", p.reason(), true));
      if (p.has_replacement()) {
        if (p.replacement().has_correction()) {
          return Invalid(at + ".replacement",
                         "a correction cannot replace with a correction");
        }
        if (p.replacement().payload_case() == v1::Event::PAYLOAD_NOT_SET) {
          return Invalid(at + ".replacement", "needs a payload");
        }
        return Payload(p.replacement(), at + ".replacement");
      }
      return absl::OkStatus();
    }
    case v1::Event::PAYLOAD_NOT_SET:
      break;
  }
  return Invalid(path, "needs a payload (infusion_started, rate_changed, ...)");
}

double Mean(const google::protobuf::RepeatedField<double>& items) {
  if (items.empty()) return 0;
  return std::accumulate(items.begin(), items.end(), 0.0) / items.size();
}

}  // namespace

bool IsUuid(const std::string& id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-'
             : !absl::ascii_isxdigit(static_cast<unsigned char>(id[i]))) {
      return false;
    }
  }
  return true;
}

bool IsSimpleId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

absl::Status ValidateStudy(const v1::Study& study) {
  KIP_RETURN_IF_ERROR(Id("study.id", study.id()));
  KIP_RETURN_IF_ERROR(Text("study.title", study.title(), true));
  if (study.arms().empty())
    return Invalid("study.arms", "needs at least one arm");
  for (int i = 0; i < study.arms_size(); ++i) {
    const std::string at = absl::StrCat("study.arms[", i, "]");
    KIP_RETURN_IF_ERROR(Id(at + ".id", study.arms(i).id()));
    KIP_RETURN_IF_ERROR(Text(at + ".title", study.arms(i).title(), false));
    for (int j = 0; j < i; ++j) {
      if (study.arms(j).id() == study.arms(i).id()) {
        return Invalid(at + ".id", "duplicates an earlier arm");
      }
    }
  }
  for (int i = 0; i < study.protocol_ids_size(); ++i) {
    KIP_RETURN_IF_ERROR(
        Id(absl::StrCat("study.protocol_ids[", i, "]"), study.protocol_ids(i)));
  }
  for (int i = 0; i < study.site_ids_size(); ++i) {
    KIP_RETURN_IF_ERROR(
        Id(absl::StrCat("study.site_ids[", i, "]"), study.site_ids(i)));
  }
  return absl::OkStatus();
}

absl::Status ValidatePatient(const v1::Patient& patient) {
  KIP_RETURN_IF_ERROR(Id("patient.study_id", patient.study_id()));
  KIP_RETURN_IF_ERROR(Id("patient.patient_id", patient.patient_id()));
  KIP_RETURN_IF_ERROR(Id("patient.site_id", patient.site_id()));
  KIP_RETURN_IF_ERROR(Id("patient.arm_id", patient.arm_id()));
  KIP_RETURN_IF_ERROR(InRange("patient.baseline_weight_kg",
                              patient.baseline_weight_kg(), 20, 300, "kg"));
  if (patient.height_cm() != 0) {
    KIP_RETURN_IF_ERROR(
        InRange("patient.height_cm", patient.height_cm(), 100, 250, "cm"));
  }
  if (!kip::common::v1::Sex_IsValid(patient.sex())) {
    return Invalid("patient.sex", "is not a Sex");
  }
  KIP_RETURN_IF_ERROR(Text("patient.age_band", patient.age_band(), false, 16));
  if (patient.condition() == v1::CONDITION_UNSPECIFIED ||
      !v1::Condition_IsValid(patient.condition())) {
    return Invalid("patient.condition", "is required (a Condition)");
  }
  KIP_RETURN_IF_ERROR(InRange("patient.baseline_pain_nrs",
                              patient.baseline_pain_nrs(), 0, 10, "NRS"));
  KIP_RETURN_IF_ERROR(Optional(
      "patient.temporal_summation_nrs", patient.has_temporal_summation_nrs(),
      patient.temporal_summation_nrs(), -10, 10, "NRS points"));
  return Optional("patient.conditioned_pain_modulation_nrs",
                  patient.has_conditioned_pain_modulation_nrs(),
                  patient.conditioned_pain_modulation_nrs(), -10, 10,
                  "NRS points");
}

absl::Status ValidateSession(const v1::InfusionSession& session,
                             absl::Time now) {
  if (!IsUuid(session.session_id())) {
    return Invalid("session.session_id", "must be a client-generated UUID");
  }
  KIP_RETURN_IF_ERROR(Id("session.study_id", session.study_id()));
  KIP_RETURN_IF_ERROR(Id("session.patient_id", session.patient_id()));
  KIP_RETURN_IF_ERROR(Id("session.protocol_id", session.protocol_id()));
  KIP_RETURN_IF_ERROR(
      Text("session.protocol_version", session.protocol_version(), true, 64));
  KIP_RETURN_IF_ERROR(Id("session.device_id", session.device_id()));
  if (session.course_day() < 1 || session.course_day() > 365) {
    return Invalid("session.course_day",
                   absl::StrCat(session.course_day(), " is outside 1..365"));
  }
  if (!session.course_id().empty()) {
    KIP_RETURN_IF_ERROR(Id("session.course_id", session.course_id()));
  }
  if (session.has_start_time()) {
    const absl::Time start = absl::FromUnixMicros(
        TimeUtil::TimestampToMicroseconds(session.start_time()));
    if (start > now + kMaxDeviceClockLead) {
      return Invalid("session.start_time",
                     "is more than 5 minutes in the future");
    }
  }
  if (session.concentration_mg_per_ml() != 0) {
    KIP_RETURN_IF_ERROR(InRange("session.concentration_mg_per_ml",
                                session.concentration_mg_per_ml(), 0.01, 100,
                                "mg/mL"));
  }
  if (!kip::common::v1::CareArea_IsValid(session.care_area())) {
    return Invalid("session.care_area", "is not a CareArea");
  }
  if (session.has_end_time()) {
    return Invalid("session.end_time",
                   "is set by the server from the infusion_stopped event");
  }
  return absl::OkStatus();
}

absl::Status ValidateEvent(const v1::Event& event, absl::Time now,
                           const std::string& path) {
  if (!IsUuid(event.event_id())) {
    return Invalid(path + ".event_id", "must be a client-generated UUID");
  }
  if (!IsUuid(event.session_id())) {
    return Invalid(path + ".session_id", "must be the session's UUID");
  }
  if (!event.has_device_time()) {
    return Invalid(path + ".device_time", "is required");
  }
  // google.protobuf.Timestamp's own range: 0001-01-01 .. 9999-12-31.
  if (event.device_time().seconds() < -62135596800 ||
      event.device_time().seconds() > 253402300799 ||
      event.device_time().nanos() < 0 ||
      event.device_time().nanos() > 999999999) {
    return Invalid(path + ".device_time", "is not a valid timestamp");
  }
  const absl::Time device_time = absl::FromUnixMicros(
      TimeUtil::TimestampToMicroseconds(event.device_time()));
  if (device_time > now + kMaxDeviceClockLead) {
    return Invalid(path + ".device_time",
                   absl::StrCat("is ", absl::FormatTime(device_time),
                                ", more than 5 minutes after server time ",
                                absl::FormatTime(now)));
  }
  if (device_time <
      absl::FromCivil(absl::CivilDay(2000, 1, 1), absl::UTCTimeZone())) {
    return Invalid(path + ".device_time", "is before 2000-01-01");
  }
  if (event.has_side_effect() && event.side_effect().has_awareness_time()) {
    const auto& aware = event.side_effect().awareness_time();
    const std::string at = path + ".side_effect.awareness_time";
    if (aware.seconds() < 946684800 || aware.nanos() < 0 ||
        aware.nanos() > 999999999) {
      return Invalid(at, "is before 2000-01-01 or not a valid timestamp");
    }
    if (absl::FromUnixSeconds(aware.seconds()) > now + kMaxDeviceClockLead) {
      return Invalid(at,
                     "is after the server's time: awareness cannot be "
                     "in the future");
    }
  }
  return Payload(event, path);
}

void NormalizeEvent(v1::Event& event) {
  if (event.has_side_effect() &&
      event.side_effect().seriousness_criteria_size() > 0) {
    event.mutable_side_effect()->set_serious(true);  // a criterion makes it so
  }
  if (event.has_questionnaire()) {
    v1::Questionnaire* q = event.mutable_questionnaire();
    // BPI-SF: severity = mean of items 3-6, interference = mean of 9A-9G.
    q->set_severity_score(Mean(q->severity_items()));
    q->set_interference_score(Mean(q->interference_items()));
  }
  if (event.has_correction() && event.correction().has_replacement()) {
    NormalizeEvent(*event.mutable_correction()->mutable_replacement());
  }
}

}  // namespace kip::sessions
