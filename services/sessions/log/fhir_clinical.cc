// The clinical resources of one patient's sessions, from the corrected events
// in the order they happened (clinical::Timeline).
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "clinical/dose_accounting.h"
#include "services/sessions/log/export_tables.h"
#include "services/sessions/log/fhir_resources.h"

namespace kip::sessions::fhir {
namespace {

using export_internal::IsoTime;

constexpr char kSessionSystem[] = "urn:kip:session";
constexpr char kEventSystem[] = "urn:kip:event";

// What one session's resources share.
struct SessionContext {
  const v1::Study& study;
  const v1::Patient& patient;
  const v1::InfusionSession& session;
  const PatientRefs& refs;
  Entries& entries;
  std::string encounter;  // the session's Encounter, "urn:uuid:..."
};

Json Identifier(const char* system, const std::string& value) {
  return Json::array({{{"system", system}, {"value", value}}});
}

Json IntravenousRoute() {
  return Concept(kSnomed, "47625008", "Intravenous route");
}

// In a study still blinded the bag holds ketamine or placebo: say so rather
// than name a drug the patient may not have had.
Json StudyDrug(const SessionContext& c) {
  if (c.study.blinded() && !c.study.unblinded()) {
    return {{"text", absl::StrCat("blinded study drug (ketamine or placebo)",
                                  c.patient.kit_code().empty()
                                      ? ""
                                      : ", kit " + c.patient.kit_code())}};
  }
  return Concept(kAtc, "N01AX03", "ketamine");
}

Json Administration(const SessionContext& c, Json medication) {
  return {{"resourceType", "MedicationAdministration"},
          {"status", "completed"},
          {"medicationCodeableConcept", std::move(medication)},
          {"subject", Ref(c.refs.patient)},
          {"context", Ref(c.encounter)}};
}

// The encounter's class from the session's care area, else the one its
// infusion was programmed for (v3 ActCode: AMB ambulatory, IMP inpatient);
// unknown: the v3 null flavour.
Json EncounterClass(const v1::InfusionSession& session,
                    const std::vector<v1::Event>& timeline) {
  std::vector<kip::common::v1::CareArea> areas = {session.care_area()};
  for (const v1::Event& e : timeline) {
    if (e.has_infusion_started())
      areas.push_back(e.infusion_started().care_area());
  }
  for (const kip::common::v1::CareArea area : areas) {
    switch (area) {
      case kip::common::v1::OUTPATIENT_PAIN:
        return Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB",
                      "ambulatory");
      case kip::common::v1::INPATIENT_WARD:
      case kip::common::v1::ICU:
        return Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP",
                      "inpatient encounter");
      default:
        break;
    }
  }
  return Coding("http://terminology.hl7.org/CodeSystem/v3-NullFlavor", "UNK",
                "unknown");
}

// The infusion session as an Encounter, which its resources point at.
std::string AddEncounter(const SessionContext& c,
                         const std::vector<v1::Event>& timeline) {
  const v1::InfusionSession& s = c.session;
  Json period = {{"start", IsoTime(s.start_time())}};
  if (s.has_end_time()) period["end"] = IsoTime(s.end_time());
  Json out = {
      {"resourceType", "Encounter"},
      {"identifier", Identifier(kSessionSystem, s.session_id())},
      {"status", s.has_end_time() ? "finished" : "in-progress"},
      {"class", EncounterClass(s, timeline)},
      {"type",
       Json::array({{{"text", absl::StrCat("IV infusion session, protocol ",
                                           s.protocol_id(), ", course day ",
                                           s.course_day())}}})},
      {"subject", Ref(c.refs.patient)},
      {"period", std::move(period)}};
  return c.entries.Add(s.session_id(), std::move(out));
}

void AddInfusionIntervals(const SessionContext& c,
                          const std::vector<v1::Event>& timeline) {
  const std::vector<clinical::RateInterval> intervals =
      clinical::RateIntervals(timeline, c.patient.baseline_weight_kg());
  for (size_t i = 0; i < intervals.size(); ++i) {
    const clinical::RateInterval& interval = intervals[i];
    if (interval.rate_mg_per_h <= 0) continue;
    Json out = Administration(c, StudyDrug(c));
    Json period = {{"start", IsoTime(interval.start)}};
    if (interval.end == absl::InfiniteFuture()) {
      out["status"] = "in-progress";
    } else {
      period["end"] = IsoTime(interval.end);
    }
    out["effectivePeriod"] = std::move(period);
    if (!c.session.device_id().empty()) {
      out["device"] = Json::array({Ref(absl::StrCat(
          "urn:uuid:", ResourceId("Device", c.session.device_id())))});
    }
    if (Shown(interval.adjustment_reason)) {
      out["note"] = Json::array(
          {{{"text", "Rate adjusted: " + interval.adjustment_reason}}});
    }
    out["dosage"] = {
        {"route", IntravenousRoute()},
        {"rateQuantity", Quantity(interval.rate_mg_per_h, "mg/h")}};
    c.entries.Add(absl::StrCat(c.session.session_id(), "/interval/", i),
                  std::move(out));
  }
}

void AddBolus(const SessionContext& c, const v1::Event& e) {
  Json out = Administration(c, StudyDrug(c));
  out["identifier"] = Identifier(kEventSystem, e.event_id());
  out["effectiveDateTime"] = IsoTime(e.device_time());
  out["dosage"] = {{"route", IntravenousRoute()},
                   {"dose", Quantity(e.bolus().dose_mg(), "mg")}};
  c.entries.Add(e.event_id(), std::move(out));
}

void AddAdjunct(const SessionContext& c, const v1::Event& e) {
  const v1::AdjunctMedication& x = e.adjunct_medication();
  Json out = Administration(c, {{"text", x.drug()}});
  out["identifier"] = Identifier(kEventSystem, e.event_id());
  out["effectiveDateTime"] = IsoTime(e.device_time());
  if (Shown(x.reason()))
    out["reasonCode"] = Json::array({{{"text", x.reason()}}});
  Json dosage = {{"dose", Quantity(x.dose_mg(), "mg")}};
  if (!x.route().empty()) dosage["route"] = {{"text", x.route()}};
  out["dosage"] = std::move(dosage);
  c.entries.Add(e.event_id(), std::move(out));
}

Json ObservationOf(const SessionContext& c, const v1::Event& e,
                   const char* category, Json code) {
  return {{"resourceType", "Observation"},
          {"identifier", Identifier(kEventSystem, e.event_id())},
          {"status", "final"},
          {"category",
           Json::array({Concept(
               "http://terminology.hl7.org/CodeSystem/observation-category",
               category,
               category == std::string("survey") ? "Survey" : "Vital Signs")})},
          {"code", std::move(code)},
          {"subject", Ref(c.refs.patient)},
          {"encounter", Ref(c.encounter)},
          {"effectiveDateTime", IsoTime(e.device_time())}};
}

void AddPain(const SessionContext& c, const v1::Event& e) {
  const v1::PainScore& x = e.pain_score();
  Json out = ObservationOf(
      c, e, "survey",
      Concept(kLoinc, "72514-3",
              "Pain severity - 0-10 verbal numeric rating [Score] - Reported"));
  out["valueQuantity"] = Quantity(x.nrs(), "{score}");
  out["note"] = Json::array(
      {{{"text",
         absl::StrCat("Timepoint: ", export_internal::Visit(
                                         x.timepoint(), x.follow_up_day()))}}});
  c.entries.Add(e.event_id(), std::move(out));
}

// One Observation per measured sign, with the LOINC codes of CLINICAL.md;
// the sedation score has no code there and goes as text.
void AddVitals(const SessionContext& c, const v1::Event& e) {
  const v1::VitalSigns& x = e.vital_signs();
  auto add = [&](const char* key, Json code, Json value) {
    Json out = ObservationOf(c, e, "vital-signs", std::move(code));
    // basic_json's assignment takes its operand by value: name the key
    // before `value` is moved from.
    const char* value_key =
        value.is_number() ? "valueInteger" : "valueQuantity";
    out[value_key] = std::move(value);
    c.entries.Add(absl::StrCat(e.event_id(), "/", key), std::move(out));
  };
  if (x.has_systolic_bp_mmhg())
    add("sys", Concept(kLoinc, "8480-6", "Systolic blood pressure"),
        Quantity(x.systolic_bp_mmhg(), "mm[Hg]"));
  if (x.has_diastolic_bp_mmhg())
    add("dia", Concept(kLoinc, "8462-4", "Diastolic blood pressure"),
        Quantity(x.diastolic_bp_mmhg(), "mm[Hg]"));
  if (x.has_heart_rate_per_min())
    add("hr", Concept(kLoinc, "8867-4", "Heart rate"),
        Quantity(x.heart_rate_per_min(), "/min"));
  if (x.has_respiratory_rate_per_min())
    add("rr", Concept(kLoinc, "9279-1", "Respiratory rate"),
        Quantity(x.respiratory_rate_per_min(), "/min"));
  if (x.has_spo2_percent())
    add("spo2",
        Concept(kLoinc, "59408-5",
                "Oxygen saturation in Arterial blood by Pulse oximetry"),
        Quantity(x.spo2_percent(), "%"));
  if (x.has_sedation_score())
    add("sedation", {{"text", "Sedation score (scale per protocol)"}},
        Json(x.sedation_score()));
}

void AddAdverseEvent(const SessionContext& c, const v1::Event& e) {
  const v1::SideEffect& x = e.side_effect();
  std::string term = absl::AsciiStrToLower(v1::SideEffectType_Name(x.type()));
  std::replace(term.begin(), term.end(), '_', ' ');
  Json event = {{"text", Shown(x.description())
                             ? absl::StrCat(term, ": ", x.description())
                             : term}};
  Json out = {
      {"resourceType", "AdverseEvent"},
      {"identifier", {{"system", kEventSystem}, {"value", e.event_id()}}},
      {"actuality", "actual"},
      {"event", std::move(event)},
      {"subject", Ref(c.refs.patient)},
      {"encounter", Ref(c.encounter)},
      {"date", IsoTime(e.device_time())}};
  if (x.has_awareness_time()) out["detected"] = IsoTime(x.awareness_time());
  const char* kSeriousness =
      "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness";
  out["seriousness"] =
      x.serious() ? Concept(kSeriousness, "serious", "Serious")
                  : Concept(kSeriousness, "non-serious", "Non-serious");
  if (x.severity() != v1::SIDE_EFFECT_SEVERITY_UNSPECIFIED) {
    const std::string code =
        absl::AsciiStrToLower(v1::SideEffectSeverity_Name(x.severity()));
    out["severity"] = Concept(
        "http://terminology.hl7.org/CodeSystem/adverse-event-severity", code,
        absl::StrCat(absl::AsciiStrToUpper(code.substr(0, 1)), code.substr(1)));
  }
  if (x.causality() != v1::CAUSALITY_UNSPECIFIED) {
    out["suspectEntity"] = Json::array(
        {{{"instance", {{"display", StudyDrug(c)["text"]}}},
          {"causality",
           Json::array({{{"assessment",
                          {{"text", v1::Causality_Name(x.causality())}}}}})}}});
  }
  out["study"] = Json::array({Ref(c.refs.study)});
  c.entries.Add(e.event_id(), std::move(out));
}

}  // namespace

void AddSessionResources(const v1::Study& study, const PatientRecord& record,
                         const PatientRefs& refs, Entries& entries) {
  for (const v1::GetSessionResponse& s : record.sessions) {
    const std::vector<v1::Event> timeline = clinical::Timeline(
        std::vector<v1::Event>(s.events().begin(), s.events().end()));
    SessionContext c{study, record.patient, s.session(), refs, entries, ""};
    c.encounter = AddEncounter(c, timeline);
    AddInfusionIntervals(c, timeline);
    for (const v1::Event& e : timeline) {
      switch (e.payload_case()) {
        case v1::Event::kBolus:
          AddBolus(c, e);
          break;
        case v1::Event::kAdjunctMedication:
          AddAdjunct(c, e);
          break;
        case v1::Event::kPainScore:
          AddPain(c, e);
          break;
        case v1::Event::kVitalSigns:
          AddVitals(c, e);
          break;
        case v1::Event::kSideEffect:
          AddAdverseEvent(c, e);
          break;
        default:
          break;
      }
    }
  }
}

}  // namespace kip::sessions::fhir
