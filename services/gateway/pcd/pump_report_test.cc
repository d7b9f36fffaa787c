// Pump reports read from IHE's own PCD example messages (in
// ../shared/interop/hl7v2, read in place) and from messages written here for
// the cases the examples lack.
#include "services/gateway/pcd/pump_report.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/interop_files.h"

namespace kip::pcd {
namespace {

using ::testing::HasSubstr;

constexpr char kAnchor[] = "services/gateway/pcd/pump_report_test.cc";

hl7::Message Ihe(const std::string& file) {
  auto bytes = kip::testing::ReadInteropFile(kAnchor, "hl7v2/" + file);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  auto message = hl7::Parse(bytes.value_or(""));
  EXPECT_TRUE(message.ok()) << file << ": " << message.status();
  return message.value_or(hl7::Message{});
}

PumpReport Read(const hl7::Message& message) {
  hl7::AckError error;
  auto report = ReadPumpReport(message, &error);
  EXPECT_TRUE(report.ok()) << report.status();
  return report.value_or(PumpReport{});
}

absl::Time Utc(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

TEST(PumpReportTest, EveryIheExampleParses) {
  for (const char* file :
       {"01_pcd01_oru_r01_monitor_philips.hl7",
        "02_pcd03_rgv_o15_ex1_dopamine.hl7", "03_pcd03_ack_o15_ex1_accept.hl7",
        "04_pcd03_rgv_o15_ex2_normal_saline.hl7",
        "05_pcd03_ack_o15_ex2_accept.hl7",
        "06_pcd03_rrg_o16_ex2_app_reject.hl7",
        "07_pcd04_oru_r40_pump_occlusion_start.hl7",
        "08_pcd04_oru_r40_pump_occlusion_end.hl7",
        "09_pcd10_oru_r42_delivery_start_tf9.hl7",
        "10_pcd10_oru_r42_delivery_start_ipec12.hl7",
        "11_pcd10_oru_r42_delivery_stop_ipec12.hl7",
        "12_pcd10_oru_r42_delivery_complete_ipec12.hl7"}) {
    SCOPED_TRACE(file);
    EXPECT_FALSE(Ihe(file).segments.empty());
  }
}

TEST(PumpReportTest, ClassicPumpModelDeliveryStart) {
  const PumpReport r = Read(Ihe("10_pcd10_oru_r42_delivery_start_ipec12.hl7"));
  EXPECT_EQ(r.message_type, "ORU^R42");
  EXPECT_EQ(r.control_id, "PCD10_20100706154719");
  EXPECT_EQ(r.device_id, "0003B10000000001");
  EXPECT_THAT(r.patient_ids, ::testing::ElementsAre("HO60002"));
  // The provisional MDCX_ spelling with placeholder code 0, and a trailing
  // space after it.
  EXPECT_EQ(r.event, PumpEvent::kDeliveryStart);
  EXPECT_EQ(r.status, PumpStatus::kInfusing);
  EXPECT_DOUBLE_EQ(r.rate_ml_per_h.value_or(-1), 24.9);
  EXPECT_DOUBLE_EQ(r.volume_delivered_ml.value_or(-1), 0);
  EXPECT_DOUBLE_EQ(r.concentration_mg_per_ml.value_or(-1), 1.6);
  EXPECT_EQ(r.drug_name, "Dopamine");
  EXPECT_EQ(r.time, Utc(2010, 7, 6, 23, 47, 4));  // 15:47:04 -0800
}

TEST(PumpReportTest, CurrentPumpModelDeliveryStart) {
  const PumpReport r = Read(Ihe("09_pcd10_oru_r42_delivery_start_tf9.hl7"));
  EXPECT_EQ(r.device_id, "0012210000000000");  // the pump, not its server
  EXPECT_THAT(r.patient_ids, ::testing::ElementsAre("HO2009002"));
  EXPECT_EQ(r.event, PumpEvent::kDeliveryStart);  // by code 197288
  EXPECT_EQ(r.status, PumpStatus::kInfusing);
  EXPECT_DOUBLE_EQ(r.rate_ml_per_h.value_or(-1), 15.4);  // current flow
  EXPECT_DOUBLE_EQ(r.volume_delivered_ml.value_or(-1), 0);
  EXPECT_DOUBLE_EQ(r.concentration_mg_per_ml.value_or(-1), 1.6);
  EXPECT_EQ(r.drug_name, "Dopamine");
  EXPECT_EQ(r.time, Utc(2015, 10, 15, 18, 21, 6));  // OBR-7, -0500
}

TEST(PumpReportTest, StopAndComplete) {
  const PumpReport stop =
      Read(Ihe("11_pcd10_oru_r42_delivery_stop_ipec12.hl7"));
  EXPECT_EQ(stop.event, PumpEvent::kDeliveryStop);
  EXPECT_EQ(stop.status, PumpStatus::kPaused);
  EXPECT_DOUBLE_EQ(stop.rate_ml_per_h.value_or(-1), 0);  // the delivery channel
  EXPECT_DOUBLE_EQ(stop.volume_delivered_ml.value_or(-1), 25.6);
  const PumpReport done =
      Read(Ihe("12_pcd10_oru_r42_delivery_complete_ipec12.hl7"));
  EXPECT_EQ(done.event, PumpEvent::kDeliveryComplete);
  EXPECT_EQ(done.status, PumpStatus::kComplete);
  EXPECT_DOUBLE_EQ(done.volume_delivered_ml.value_or(-1), 224.4);
}

TEST(PumpReportTest, Alarms) {
  const PumpReport start =
      Read(Ihe("07_pcd04_oru_r40_pump_occlusion_start.hl7"));
  EXPECT_EQ(start.message_type, "ORU^R40");
  ASSERT_TRUE(start.alarm.has_value());
  EXPECT_EQ(start.alarm->code, "196940");
  EXPECT_EQ(start.alarm->name, "MDC_EVT_FLUID_LINE_OCCL");
  EXPECT_EQ(start.alarm->text, "Occlusion");
  EXPECT_EQ(start.alarm->phase, "start");
  EXPECT_EQ(start.alarm->state, "active");
  EXPECT_EQ(start.device_id, "0012210000000000");
  EXPECT_THAT(start.patient_ids, ::testing::ElementsAre("HO2009003"));
  EXPECT_EQ(start.time, Utc(2012, 1, 9, 23, 54, 17));
  const PumpReport end = Read(Ihe("08_pcd04_oru_r40_pump_occlusion_end.hl7"));
  ASSERT_TRUE(end.alarm.has_value());
  EXPECT_EQ(end.alarm->phase, "end");
  EXPECT_EQ(end.alarm->state, "inactive");
}

TEST(PumpReportTest, OrdersAndAcksAreNotPumpReports) {
  for (const char* file : {"02_pcd03_rgv_o15_ex1_dopamine.hl7",
                           "06_pcd03_rrg_o16_ex2_app_reject.hl7"}) {
    hl7::AckError error;
    auto report = ReadPumpReport(Ihe(file), &error);
    EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(error.segment, "MSH");
    EXPECT_EQ(error.field, 9);
    EXPECT_EQ(error.hl7_code, 200);
  }
}

constexpr char kHead[] =
    "MSH|^~\\&|SRV^0011223344556677^EUI-64||KIP||20261124101500+0000||"
    "ORU^R42^ORU_R01|C1|P|2.6\rPID|||MRN-7^^^HOSP^MR~P001^^^KIP^PI\r"
    "OBR|1|||x|||20261124101400+0000\r";

hl7::AckError Refused(const std::string& body) {
  auto message = hl7::Parse(std::string(kHead) + body);
  EXPECT_TRUE(message.ok()) << message.status();
  hl7::AckError error;
  auto report = ReadPumpReport(message.value_or(hl7::Message{}), &error);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  return error;
}

TEST(PumpReportTest, EveryPatientIdentifierIsKept) {
  auto message =
      hl7::Parse(std::string(kHead) +
                 "OBX|1|NM|157784^MDC_FLOW_FLUID_PUMP^MDC|1.1.1.1|25|"
                 "0^mL/h^UCUM\r");
  ASSERT_TRUE(message.ok()) << message.status();
  const PumpReport r = Read(*message);
  EXPECT_THAT(r.patient_ids, ::testing::ElementsAre("MRN-7", "P001"));
  EXPECT_EQ(r.device_id, "0011223344556677");          // MSH-3: no MDS OBX
  EXPECT_EQ(r.time, Utc(2026, 11, 24, 10, 14, 0));     // OBR-7
  EXPECT_DOUBLE_EQ(r.rate_ml_per_h.value_or(-1), 25);  // by its UCUM code
}

TEST(PumpReportTest, UnreadableValuesAreNamedForTheAck) {
  hl7::AckError e = Refused(
      "OBX|1|NM|157784^MDC_FLOW_FLUID_PUMP^MDC|1.1.1.1|2^4|265266^"
      "MDC_DIM_MILLI_L_PER_HR^MDC\r");
  EXPECT_EQ(e.segment, "OBX");
  EXPECT_EQ(e.segment_sequence, 1);
  EXPECT_EQ(e.field, 5);
  EXPECT_EQ(e.hl7_code, 102);
  e = Refused(
      "OBX|1|ST|184330^MDC_DRUG_NAME_TYPE^MDC||Ketamine\r"
      "OBX|2|NM|157784^MDC_FLOW_FLUID_PUMP^MDC|1.1.1.1|25|3^mg/h^UCUM\r");
  EXPECT_EQ(e.segment_sequence, 2);
  EXPECT_EQ(e.field, 6);
  EXPECT_EQ(e.hl7_code, 103);
  EXPECT_THAT(e.text, HasSubstr("is not mL/h"));
  e = Refused(
      "OBX|1|CWE|68487^MDC_ATTR_EVT_COND^MDC||197288^MDC_EVT_PUMP_DELIV_START"
      "^MDC||||||R|||20261124101400\r");
  EXPECT_EQ(e.field, 14);
  EXPECT_THAT(e.text, HasSubstr("no UTC offset"));
}

TEST(PumpReportTest, Hl7TimesNeedAnOffset) {
  EXPECT_EQ(*ParseHl7Time("20261124101500+0000"), Utc(2026, 11, 24, 10, 15, 0));
  EXPECT_EQ(*ParseHl7Time("202611241015-0130"), Utc(2026, 11, 24, 11, 45, 0));
  EXPECT_EQ(*ParseHl7Time("20080101123456- 0600"), Utc(2008, 1, 1, 18, 34, 56));
  EXPECT_EQ(*ParseHl7Time("20261124101500.1234+0100"),
            Utc(2026, 11, 24, 9, 15, 0));
  for (const char* bad : {"20261124101500", "20261340101500+0000",
                          "20261124+0000", "2026112410150x+0000", "",
                          "20261124101500+00", "20261131101500+0000"}) {
    EXPECT_FALSE(ParseHl7Time(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace kip::pcd
