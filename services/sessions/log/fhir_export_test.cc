// The FHIR R4 export: valid against the FHIR R4 JSON Schema, and holding what
// the session logged - a MedicationAdministration per constant-rate interval
// with its rate and period (hand-computed from the events), pain and vitals
// with their LOINC codes, the adverse event, a pseudonymous patient - and no
// more than the caller may see.
#include "services/sessions/log/fhir_export.h"

#include <nlohmann/json.hpp>

#include "base/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/sessions/log/researcher_view.h"
#include "tests/testing/fhir_validation.h"

namespace kip::sessions {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

// 2026-03-02 08:00 UTC and on.
constexpr int64_t kEight = 1772438400;

v1::Event At(const std::string& id, int minutes) {
  v1::Event e;
  e.set_event_id(id);
  e.set_session_id("sess-1");
  e.set_recorded_by("clinician-1");
  *e.mutable_device_time() =
      ProtoFromTime(absl::FromUnixSeconds(kEight + 60 * minutes));
  return e;
}

// A 70 kg patient: 0.1 mg/kg/h (7 mg/h) from 08:00, 14 mg/h from 09:00
// ("pain 7/10"), paused 09:30-09:45, stopped 11:00; a 5 mg bolus, a pain
// score, vitals, ondansetron and a serious nausea.
std::vector<PatientRecord> Records() {
  PatientRecord r;
  r.patient.set_study_id("S1");
  r.patient.set_patient_id("P1");
  r.patient.set_arm_id("ketamine");
  r.patient.set_baseline_weight_kg(70);
  r.patient.set_sex(kip::common::v1::FEMALE);
  r.patient.set_age_band("40-49");
  *r.patient.mutable_enrolled_time() =
      ProtoFromTime(absl::FromUnixSeconds(kEight - 86400));
  v1::GetSessionResponse s;
  s.mutable_session()->set_session_id("sess-1");
  s.mutable_session()->set_device_id("pump-9");
  s.mutable_session()->set_protocol_id("crps-0.35mgkg-4h");
  s.mutable_session()->set_course_day(1);
  *s.mutable_session()->mutable_start_time() =
      ProtoFromTime(absl::FromUnixSeconds(kEight));
  *s.mutable_session()->mutable_end_time() =
      ProtoFromTime(absl::FromUnixSeconds(kEight + 4 * 3600));
  auto add = [&](v1::Event e) { *s.add_events() = std::move(e); };
  v1::Event e = At("e1", 0);
  e.mutable_infusion_started()->set_rate_mg_per_kg_per_h(0.1);
  e.mutable_infusion_started()->set_care_area(kip::common::v1::OUTPATIENT_PAIN);
  add(e);
  e = At("e2", 60);
  e.mutable_rate_changed()->set_rate_mg_per_h(14);
  e.mutable_rate_changed()->set_reason("pain 7/10");
  add(e);
  e = At("e3", 90);
  e.mutable_infusion_paused();
  add(e);
  e = At("e4", 105);
  e.mutable_infusion_resumed();
  add(e);
  e = At("e5", 120);
  e.mutable_bolus()->set_dose_mg(5);
  add(e);
  e = At("e6", 130);
  e.mutable_pain_score()->set_nrs(4);
  e.mutable_pain_score()->set_timepoint(v1::DURING);
  add(e);
  e = At("e7", 135);
  e.mutable_vital_signs()->set_systolic_bp_mmhg(142);
  e.mutable_vital_signs()->set_spo2_percent(96);
  e.mutable_vital_signs()->set_sedation_score(2);
  add(e);
  e = At("e8", 140);
  e.mutable_adjunct_medication()->set_drug("ondansetron");
  e.mutable_adjunct_medication()->set_dose_mg(4);
  e.mutable_adjunct_medication()->set_route("IV");
  e.mutable_adjunct_medication()->set_reason("nausea");
  add(e);
  e = At("e9", 150);
  e.mutable_side_effect()->set_type(v1::NAUSEA);
  e.mutable_side_effect()->set_severity(v1::SEVERE);
  e.mutable_side_effect()->set_serious(true);
  e.mutable_side_effect()->set_causality(v1::PROBABLE);
  e.mutable_side_effect()->set_description("vomited twice, Mrs X called");
  add(e);
  e = At("e10", 180);
  e.mutable_infusion_stopped();
  add(e);
  r.sessions.push_back(std::move(s));
  return {std::move(r)};
}

v1::Study Study() {
  v1::Study study;
  study.set_id("S1");
  study.set_title("Ketamine in CRPS");
  study.add_arms()->set_id("ketamine");
  study.add_arms()->set_id("placebo");
  return study;
}

std::vector<Json> OfType(const Json& bundle, const std::string& type) {
  std::vector<Json> out;
  for (const Json& entry : bundle["entry"]) {
    if (entry["resource"]["resourceType"] == type)
      out.push_back(entry["resource"]);
  }
  return out;
}

const absl::Time kCreated = absl::FromUnixSeconds(kEight + 86400);

TEST(FhirExportTest, ValidAgainstTheFhirR4Schema) {
  const std::string json = FhirBundleJson(Study(), Records(), kCreated);
  const absl::Status valid = testing::ValidateFhirJson(json);
  EXPECT_TRUE(valid.ok()) << valid;
}

TEST(FhirExportTest, TheSchemaCheckCatchesAnInvalidBundle) {
  Json bundle = Json::parse(FhirBundleJson(Study(), Records(), kCreated));
  bundle["entry"][0]["resource"]["status"] = "ongoing";  // not a R4 code
  const absl::Status valid = testing::ValidateFhirJson(bundle.dump());
  EXPECT_EQ(valid.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(valid.message(), HasSubstr("ResearchStudy status"));
  // A number where a Quantity belongs (the schema is read with its complex
  // types typed as objects).
  bundle = Json::parse(FhirBundleJson(Study(), Records(), kCreated));
  for (Json& entry : bundle["entry"]) {
    if (entry["resource"]["resourceType"] == "Observation") {
      entry["resource"]["valueQuantity"] = 2;
      break;
    }
  }
  const absl::Status number = testing::ValidateFhirJson(bundle.dump());
  EXPECT_THAT(number.message(), HasSubstr("Observation valueQuantity"));
}

TEST(FhirExportTest, OneAdministrationPerConstantRateInterval) {
  const Json bundle = Json::parse(FhirBundleJson(Study(), Records(), kCreated));
  EXPECT_EQ(bundle["type"], "collection");
  const std::vector<Json> given = OfType(bundle, "MedicationAdministration");
  // 3 intervals (7, 14, 14 mg/h), the bolus, ondansetron.
  ASSERT_EQ(given.size(), 5u);
  struct Interval {
    double rate;
    const char *start, *end;
  };
  const Interval expected[] = {
      {7, "2026-03-02T08:00:00.000Z", "2026-03-02T09:00:00.000Z"},
      {14, "2026-03-02T09:00:00.000Z", "2026-03-02T09:30:00.000Z"},
      {14, "2026-03-02T09:45:00.000Z", "2026-03-02T11:00:00.000Z"}};
  for (int i = 0; i < 3; ++i) {
    const Json& x = given[i];
    EXPECT_EQ(x["status"], "completed");
    EXPECT_EQ(x["medicationCodeableConcept"]["coding"][0]["code"], "N01AX03");
    EXPECT_EQ(x["dosage"]["rateQuantity"]["value"], expected[i].rate);
    EXPECT_EQ(x["dosage"]["rateQuantity"]["code"], "mg/h");
    EXPECT_EQ(x["dosage"]["route"]["coding"][0]["code"], "47625008");
    EXPECT_EQ(x["effectivePeriod"]["start"], expected[i].start);
    EXPECT_EQ(x["effectivePeriod"]["end"], expected[i].end);
    EXPECT_EQ(x["device"][0]["reference"],
              OfType(bundle, "Device")[0]["id"].get<std::string>().insert(
                  0, "urn:uuid:"));
  }
  EXPECT_EQ(given[1]["note"][0]["text"], "Rate adjusted: pain 7/10");
  // Each points at the session's Encounter.
  const std::vector<Json> encounters = OfType(bundle, "Encounter");
  ASSERT_EQ(encounters.size(), 1u);
  EXPECT_EQ(encounters[0]["status"], "finished");
  EXPECT_EQ(encounters[0]["class"]["code"], "AMB");  // OUTPATIENT_PAIN
  EXPECT_EQ(encounters[0]["identifier"][0]["value"], "sess-1");
  EXPECT_EQ(encounters[0]["period"]["end"], "2026-03-02T12:00:00.000Z");
  const std::string encounter =
      "urn:uuid:" + encounters[0]["id"].get<std::string>();
  for (const Json& x : given) EXPECT_EQ(x["context"]["reference"], encounter);
  for (const Json& x : OfType(bundle, "Observation"))
    EXPECT_EQ(x["encounter"]["reference"], encounter);
  EXPECT_EQ(given[3]["dosage"]["dose"]["value"], 5);
  EXPECT_EQ(given[3]["effectiveDateTime"], "2026-03-02T10:00:00.000Z");
  EXPECT_EQ(given[4]["medicationCodeableConcept"]["text"], "ondansetron");
  EXPECT_EQ(given[4]["reasonCode"][0]["text"], "nausea");
}

TEST(FhirExportTest, PainVitalsAndAdverseEventsWithTheirCodes) {
  const Json bundle = Json::parse(FhirBundleJson(Study(), Records(), kCreated));
  const std::vector<Json> observations = OfType(bundle, "Observation");
  ASSERT_EQ(observations.size(), 4u);  // pain, systolic, SpO2, sedation
  EXPECT_EQ(observations[0]["code"]["coding"][0]["system"], "http://loinc.org");
  EXPECT_EQ(observations[0]["code"]["coding"][0]["code"], "72514-3");
  EXPECT_EQ(observations[0]["valueQuantity"]["value"], 4);
  EXPECT_EQ(observations[0]["note"][0]["text"], "Timepoint: DURING");
  EXPECT_EQ(observations[1]["code"]["coding"][0]["code"], "8480-6");
  EXPECT_EQ(observations[1]["valueQuantity"]["code"], "mm[Hg]");
  EXPECT_EQ(observations[1]["category"][0]["coding"][0]["code"], "vital-signs");
  EXPECT_EQ(observations[2]["code"]["coding"][0]["code"], "59408-5");
  EXPECT_EQ(observations[3]["valueInteger"], 2);
  const std::vector<Json> adverse = OfType(bundle, "AdverseEvent");
  ASSERT_EQ(adverse.size(), 1u);
  EXPECT_EQ(adverse[0]["seriousness"]["coding"][0]["code"], "serious");
  EXPECT_EQ(adverse[0]["severity"]["coding"][0]["code"], "severe");
  EXPECT_EQ(
      adverse[0]["suspectEntity"][0]["causality"][0]["assessment"]["text"],
      "PROBABLE");
  EXPECT_EQ(adverse[0]["date"], "2026-03-02T10:30:00.000Z");
}

TEST(FhirExportTest, PatientsArePseudonymous) {
  const Json bundle = Json::parse(FhirBundleJson(Study(), Records(), kCreated));
  const std::vector<Json> patients = OfType(bundle, "Patient");
  ASSERT_EQ(patients.size(), 1u);
  EXPECT_FALSE(patients[0].contains("name"));
  EXPECT_FALSE(patients[0].contains("birthDate"));
  EXPECT_FALSE(patients[0].contains("address"));
  EXPECT_EQ(patients[0]["identifier"][0]["value"], "S1-P1");
  EXPECT_EQ(patients[0]["gender"], "female");
  EXPECT_EQ(patients[0]["meta"]["security"][0]["code"], "PSEUDED");
  const std::vector<Json> subjects = OfType(bundle, "ResearchSubject");
  ASSERT_EQ(subjects.size(), 1u);
  EXPECT_EQ(subjects[0]["assignedArm"], "ketamine");
  EXPECT_EQ(subjects[0]["individual"]["reference"],
            "urn:uuid:" + patients[0]["id"].get<std::string>());
  // The same study exports the same resource ids.
  EXPECT_EQ(Json::parse(FhirBundleJson(Study(), Records(), kCreated))["entry"],
            bundle["entry"]);
}

TEST(FhirExportTest, ResearchersSeeNoFreeTextAndBlindedStudiesNoArms) {
  std::vector<PatientRecord> records = Records();
  for (v1::Event& e : *records[0].sessions[0].mutable_events())
    WithholdFreeText(e);
  // What arm_visibility leaves of a blinded study for a researcher.
  v1::Study study = Study();
  study.set_blinded(true);
  study.clear_arms();
  study.set_blinded_arm_count(2);
  records[0].patient.clear_arm_id();
  records[0].patient.set_arm_withheld(true);
  records[0].patient.set_kit_code("K-0042");
  const std::string json = FhirBundleJson(study, records, kCreated);
  EXPECT_THAT(json, Not(HasSubstr("ketamine\"")));
  EXPECT_THAT(json, Not(HasSubstr("N01AX03")));
  EXPECT_THAT(json, Not(HasSubstr("placebo\"")));
  EXPECT_THAT(json, Not(HasSubstr("Mrs X")));
  EXPECT_THAT(json, Not(HasSubstr("pain 7/10")));
  EXPECT_THAT(json, Not(HasSubstr(kWithheld)));
  EXPECT_THAT(json, Not(HasSubstr("clinician-1")));
  const Json bundle = Json::parse(json);
  EXPECT_FALSE(OfType(bundle, "ResearchSubject")[0].contains("assignedArm"));
  EXPECT_EQ(OfType(bundle, "ResearchSubject")[0]["identifier"][0]["value"],
            "K-0042");
  EXPECT_EQ(
      OfType(
          bundle,
          "MedicationAdministration")[0]["medicationCodeableConcept"]["text"],
      "blinded study drug (ketamine or placebo), kit K-0042");
  const absl::Status valid = testing::ValidateFhirJson(json);
  EXPECT_TRUE(valid.ok()) << valid;
}

}  // namespace
}  // namespace kip::sessions
