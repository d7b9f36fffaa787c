#include "services/sessions/log/validation.h"

#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace kip::sessions {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

v1::Event PainEvent(double nrs) {
  v1::Event event;
  event.set_event_id("3f1c2a8e-6b7d-4e0f-9a1b-2c3d4e5f6a7b");
  event.set_session_id("9b2e4c6d-1a3f-4b5c-8d7e-0f1a2b3c4d5e");
  *event.mutable_device_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(kNow));
  event.mutable_pain_score()->set_nrs(nrs);
  event.mutable_pain_score()->set_timepoint(v1::DURING);
  return event;
}

void ExpectInvalid(const v1::Event& event, const std::string& path) {
  absl::Status status = ValidateEvent(event, kNow, "events[2]");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(path));
}

TEST(ValidationTest, AValidPainScorePasses) {
  EXPECT_TRUE(ValidateEvent(PainEvent(7), kNow, "events[0]").ok());
}

TEST(ValidationTest, EachInvalidFieldIsNamedWithItsBound) {
  ExpectInvalid(PainEvent(11), "events[2].pain_score.nrs: 11 is outside 0..10");
  v1::Event no_id = PainEvent(3);
  no_id.set_event_id("not-a-uuid");
  ExpectInvalid(no_id, "events[2].event_id");
  v1::Event future = PainEvent(3);
  *future.mutable_device_time() = TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(kNow + absl::Minutes(6)));
  ExpectInvalid(future, "events[2].device_time");
  v1::Event follow_up = PainEvent(3);
  follow_up.mutable_pain_score()->set_timepoint(v1::FOLLOW_UP);
  ExpectInvalid(follow_up, "events[2].pain_score.follow_up_day");
  v1::Event vitals = PainEvent(3);
  vitals.mutable_vital_signs()->set_spo2_percent(101);
  ExpectInvalid(vitals, "events[2].vital_signs.spo2_percent: 101 is outside");
  v1::Event bpi = PainEvent(3);
  bpi.mutable_questionnaire()->set_instrument("BPI-SF");
  for (int i = 0; i < 4; ++i)
    bpi.mutable_questionnaire()->add_severity_items(5);
  for (int i = 0; i < 7; ++i) {
    bpi.mutable_questionnaire()->add_interference_items(i == 4 ? 12 : 3);
  }
  bpi.mutable_questionnaire()->set_timepoint(v1::END);
  ExpectInvalid(bpi, "events[2].questionnaire.interference_items[4]: 12");
  v1::Event empty = PainEvent(3);
  empty.clear_pain_score();
  ExpectInvalid(empty, "events[2]: needs a payload");
}

TEST(ValidationTest, CareAreasMustBeTheDrugLibrarys) {
  v1::Event started = PainEvent(3);
  auto* infusion = started.mutable_infusion_started();
  infusion->set_rate_mg_per_h(35);
  infusion->set_concentration_mg_per_ml(1);
  infusion->set_care_area(kip::common::v1::ICU);
  EXPECT_TRUE(ValidateEvent(started, kNow, "events[0]").ok());
  infusion->set_care_area(static_cast<kip::common::v1::CareArea>(9));
  ExpectInvalid(started, "events[2].infusion_started.care_area");

  v1::Event alert = PainEvent(3);
  alert.mutable_drug_library_alert()->set_verdict("HARD_LIMIT");
  alert.mutable_drug_library_alert()->set_care_area("OUTPATIENT_PAIN");
  EXPECT_TRUE(ValidateEvent(alert, kNow, "events[0]").ok());
  alert.mutable_drug_library_alert()->set_care_area("CAFETERIA");
  ExpectInvalid(alert,
                "events[2].drug_library_alert.care_area: 'CAFETERIA' is not");
  alert.mutable_drug_library_alert()->set_care_area("");
  alert.mutable_drug_library_alert()->set_verdict("OK");
  ExpectInvalid(alert, "events[2].drug_library_alert.verdict");
}

TEST(ValidationTest, ASessionsCareAreaIsACareArea) {
  v1::InfusionSession session;
  session.set_session_id("9b2e4c6d-1a3f-4b5c-8d7e-0f1a2b3c4d5e");
  session.set_study_id("S1");
  session.set_patient_id("P1");
  session.set_site_id("site-a");
  session.set_protocol_id("bosma-2018");
  session.set_protocol_version("v");
  session.set_device_id("pump-1");
  session.set_course_day(1);
  session.set_care_area(kip::common::v1::INPATIENT_WARD);
  const absl::Status valid = ValidateSession(session, kNow);
  EXPECT_TRUE(valid.ok()) << valid;
  session.set_care_area(static_cast<kip::common::v1::CareArea>(9));
  const absl::Status status = ValidateSession(session, kNow);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("session.care_area: is not a CareArea"));
}

TEST(ValidationTest, PumpGatewayPayloadsNameTheirFields) {
  v1::Event alarm = PainEvent(3);
  alarm.mutable_pump_alarm()->set_device_id("0012210000000000");
  alarm.mutable_pump_alarm()->set_code("196940");
  alarm.mutable_pump_alarm()->set_phase("start");
  EXPECT_TRUE(ValidateEvent(alarm, kNow, "events[0]").ok());
  alarm.mutable_pump_alarm()->clear_device_id();
  ExpectInvalid(alarm, "events[2].pump_alarm.device_id: is required");
  alarm.mutable_pump_alarm()->set_device_id("0012210000000000");
  alarm.mutable_pump_alarm()->clear_code();
  ExpectInvalid(alarm, "events[2].pump_alarm.code: code or name is required");
  v1::Event mismatch = PainEvent(3);
  mismatch.mutable_pump_mismatch()->set_device_id("0012210000000000");
  mismatch.mutable_pump_mismatch()->set_field("drug");
  EXPECT_TRUE(ValidateEvent(mismatch, kNow, "events[0]").ok());
  mismatch.mutable_pump_mismatch()->set_reported(std::string(3000, 'x'));
  ExpectInvalid(mismatch, "events[2].pump_mismatch.reported: is 3000 bytes");
}

TEST(ValidationTest, BpiScoresAreComputedByTheServer) {
  v1::Event event = PainEvent(0);
  v1::Questionnaire* q = event.mutable_questionnaire();
  q->set_instrument("BPI-SF");
  for (double item : {6, 4, 5, 5}) q->add_severity_items(item);
  for (double item : {1, 2, 3, 4, 5, 6, 7}) q->add_interference_items(item);
  q->set_severity_score(99);  // a client's value is not trusted
  q->set_timepoint(v1::BASELINE);
  ASSERT_TRUE(ValidateEvent(event, kNow, "events[0]").ok());
  NormalizeEvent(event);
  EXPECT_DOUBLE_EQ(event.questionnaire().severity_score(), 5.0);
  EXPECT_DOUBLE_EQ(event.questionnaire().interference_score(), 4.0);
}

TEST(ValidationTest, PatientBoundsNameTheField) {
  v1::Patient patient;
  patient.set_study_id("S1");
  patient.set_patient_id("P001");
  patient.set_site_id("site-a");
  patient.set_arm_id("ketamine");
  patient.set_baseline_weight_kg(350);
  patient.set_condition(v1::CRPS);
  absl::Status status = ValidatePatient(patient);
  EXPECT_THAT(
      std::string(status.message()),
      HasSubstr("patient.baseline_weight_kg: 350 is outside 20..300 kg"));
}

}  // namespace
}  // namespace kip::sessions
