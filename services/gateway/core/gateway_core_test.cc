// The gateway core against fake sessions and quarantine: a scripted pump
// (delivery start, a new rate, pause, resume, completion, an alarm) sent
// twice arrives once, in order, in mg/h from the session's concentration;
// everything that cannot be applied is kept and answered AE or AR by place.
#include "services/gateway/core/gateway_core.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/gateway/hl7/er7.h"
#include "services/gateway/pcd/pump_report.h"
#include "services/gateway/testing/pump_messages.h"
#include "tests/testing/interop_files.h"

namespace kip::gateway {
namespace {

namespace sv1 = kip::sessions::v1;
using ::testing::HasSubstr;

// Sessions as the real service keeps them: events appended atomically,
// idempotent by id.
class FakeSessions : public SessionDirectory, public SessionWriter {
 public:
  sv1::GetSessionResponse& Add(const std::string& device,
                               const std::string& patient, double conc) {
    sv1::GetSessionResponse& s = sessions_[device];
    s.mutable_session()->set_session_id("9b2e4c6d-1a3f-4b5c-8d7e-0f1a2b3c4d5e");
    s.mutable_session()->set_patient_id(patient);
    s.mutable_session()->set_device_id(device);
    s.mutable_session()->set_concentration_mg_per_ml(conc);
    return s;
  }
  absl::StatusOr<std::optional<RunningSession>> SessionOf(
      const std::string& device, absl::Time) override {
    if (!available) return absl::UnavailableError("sessions is down");
    auto it = sessions_.find(device);
    if (it == sessions_.end()) return std::optional<RunningSession>();
    return std::optional<RunningSession>(RunningSessionFrom(it->second));
  }
  absl::Status Append(const std::vector<sv1::Event>& events) override {
    if (!accept) return absl::InvalidArgumentError("events[0]: refused");
    for (const sv1::Event& e : events) {
      for (auto& [device, s] : sessions_) {
        if (s.session().session_id() != e.session_id()) continue;
        bool seen = false;
        for (const auto& old : s.events())
          seen |= old.event_id() == e.event_id();
        if (seen) continue;
        *s.add_events() = e;
        // As sessions do: a stopped infusion ends the session.
        if (e.has_infusion_stopped()) {
          *s.mutable_session()->mutable_end_time() = e.device_time();
        }
      }
    }
    return absl::OkStatus();
  }
  const sv1::GetSessionResponse& Of(const std::string& device) {
    return sessions_[device];
  }
  bool available = true;
  bool accept = true;

 private:
  std::map<std::string, sv1::GetSessionResponse> sessions_;
};

class FakeQuarantine : public Quarantine {
 public:
  absl::Status Keep(const QuarantinedMessage& m) override {
    if (!working) return absl::UnavailableError("disk full");
    kept.push_back(m);
    return absl::OkStatus();
  }
  std::vector<QuarantinedMessage> kept;
  bool working = true;
};

using testing::kTestPump;
using testing::PumpAlarmMessage;
using testing::PumpEventMessage;
using Obs = testing::PumpObservation;

// "YYYYMMDDHHMMSS" as UTC.
absl::Time At(const std::string& hl7) {
  auto n = [&](size_t at, size_t len) {
    return std::stoi(hl7.substr(at, len));
  };
  return absl::FromCivil(
      absl::CivilSecond(n(0, 4), n(4, 2), n(6, 2), n(8, 2), n(10, 2), n(12, 2)),
      absl::UTCTimeZone());
}

std::string Pcd(const std::string& control, const std::string& time,
                const Obs& o, const std::string& patient = "P001",
                const std::string& device = kTestPump) {
  return PumpEventMessage(control, At(time), o, patient, device);
}

std::string Alarm(const std::string& control, const std::string& phase) {
  return PumpAlarmMessage(control, At("20261124120000"), phase);
}

class GatewayCoreTest : public ::testing::Test {
 protected:
  std::string Send(const std::string& message, Outcome* outcome = nullptr) {
    return core_.Handle(message, outcome);
  }
  static std::string AckCode(const std::string& ack) {
    auto parsed = hl7::Parse(ack);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    return parsed.ok() ? parsed->Find("MSA")->Get(1) : "";
  }
  static std::string ErrLocation(const std::string& ack) {
    auto parsed = hl7::Parse(ack);
    const hl7::Segment* err = parsed.ok() ? parsed->Find("ERR") : nullptr;
    return err == nullptr ? ""
                          : absl::StrCat(err->Get(2, 1), "-", err->Get(2, 3),
                                         " ", err->Get(3, 1));
  }

  FakeSessions sessions_;
  FakeQuarantine quarantine_;
  GatewayCore core_{&sessions_, &sessions_, &quarantine_,
                    [] { return absl::FromUnixSeconds(1'795'000'000); }};
};

TEST_F(GatewayCoreTest, AScriptedPumpSentTwiceArrivesOnceInOrderInMgPerHour) {
  sessions_
      .Add(kTestPump, "P001", 2.0)  // 2 mg/mL
      .mutable_session()
      ->set_care_area(kip::common::v1::INPATIENT_WARD);
  const std::vector<std::string> feed = {
      Pcd("C1", "20261124100000", {"START", "infusing", 12.25, 2.0}),
      Pcd("C2", "20261124103000", {"", "infusing", 17.5}),  // PCD-01: new rate
      Pcd("C3", "20261124110000", {"STOP", "paused", 0}),
      Pcd("C4", "20261124111000", {"START", "infusing", 17.5, 2.0}),
      Alarm("C5", "start"),
      Pcd("C6", "20261124130000", {"COMP", "vtbi-complete", 0}),
  };
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& message : feed) {
      Outcome outcome;
      EXPECT_EQ(AckCode(Send(message, &outcome)), "AA") << outcome.reason;
      EXPECT_EQ(outcome.replay, pass == 1);
    }
  }
  const auto& events = sessions_.Of(kTestPump).events();
  ASSERT_EQ(events.size(), 6);
  ASSERT_TRUE(events[0].has_infusion_started());
  EXPECT_DOUBLE_EQ(events[0].infusion_started().rate_ml_per_h(), 12.25);
  EXPECT_DOUBLE_EQ(events[0].infusion_started().rate_mg_per_h(), 24.5);
  EXPECT_DOUBLE_EQ(events[0].infusion_started().concentration_mg_per_ml(), 2);
  // The session's care area, so the CQI report counts it there.
  EXPECT_EQ(events[0].infusion_started().care_area(),
            kip::common::v1::INPATIENT_WARD);
  ASSERT_TRUE(events[1].has_rate_changed());
  EXPECT_DOUBLE_EQ(events[1].rate_changed().rate_mg_per_h(), 35);
  EXPECT_TRUE(events[2].has_infusion_paused());
  EXPECT_TRUE(events[3].has_infusion_resumed());  // same rate: no change
  ASSERT_TRUE(events[4].has_pump_alarm());
  EXPECT_EQ(events[4].pump_alarm().name(), "MDC_EVT_FLUID_LINE_OCCL");
  EXPECT_EQ(events[4].pump_alarm().phase(), "start");
  ASSERT_TRUE(events[5].has_infusion_stopped());
  EXPECT_THAT(events[5].infusion_stopped().reason(), HasSubstr("complete"));
  EXPECT_TRUE(quarantine_.kept.empty());
  // After the end, a new message is not logged in the ended session: kept.
  EXPECT_EQ(AckCode(Send(Pcd("C7", "20261124131000",
                             {"START", "infusing", 12.25, 2.0}))),
            "AE");
  EXPECT_THAT(quarantine_.kept.back().reason, HasSubstr("has ended"));
  EXPECT_EQ(sessions_.Of(kTestPump).events_size(), 6);
}

TEST_F(GatewayCoreTest, NoSessionOrAnotherPatientIsKeptAndAnsweredAE) {
  const std::string unknown =
      Pcd("C1", "20261124100000", {"START", "infusing", 12.25, 2.0});
  Outcome outcome;
  std::string ack = Send(unknown, &outcome);
  EXPECT_EQ(AckCode(ack), "AE");
  EXPECT_EQ(ErrLocation(ack), "MSH-3 204");
  ASSERT_EQ(quarantine_.kept.size(), 1u);
  EXPECT_EQ(quarantine_.kept[0].message, unknown);  // byte for byte
  EXPECT_EQ(quarantine_.kept[0].device_id, kTestPump);
  EXPECT_EQ(quarantine_.kept[0].control_id, "C1");
  EXPECT_THAT(quarantine_.kept[0].reason, HasSubstr("no running session"));

  sessions_.Add(kTestPump, "P002", 2.0);
  ack = Send(unknown);
  EXPECT_EQ(AckCode(ack), "AE");
  EXPECT_EQ(ErrLocation(ack), "PID-3 204");
  EXPECT_EQ(quarantine_.kept.size(), 2u);
  EXPECT_EQ(sessions_.Of(kTestPump).events_size(), 0);
}

TEST_F(GatewayCoreTest, AnotherDrugOrConcentrationIsAnAlertNeverAGuess) {
  sessions_.Add(kTestPump, "P001", 2.0);
  Outcome outcome;
  std::string ack = Send(
      Pcd("C1", "20261124100000", {"START", "infusing", 10, 2.0, "Dopamine"}),
      &outcome);
  EXPECT_EQ(AckCode(ack), "AE");
  ack = Send(Pcd("C2", "20261124100100", {"START", "infusing", 10, 1.0}));
  EXPECT_EQ(AckCode(ack), "AE");
  EXPECT_EQ(quarantine_.kept.size(), 2u);
  const auto& events = sessions_.Of(kTestPump).events();
  ASSERT_EQ(events.size(), 2);  // the two alerts, no infusion
  EXPECT_EQ(events[0].pump_mismatch().field(), "drug");
  EXPECT_EQ(events[0].pump_mismatch().reported(), "Dopamine");
  EXPECT_EQ(events[1].pump_mismatch().field(), "concentration_mg_per_ml");
  EXPECT_EQ(events[1].pump_mismatch().expected(), "2 mg/mL");
  EXPECT_EQ(events[1].pump_mismatch().reported(), "1 mg/mL");
  // A session programmed with no concentration cannot convert a rate.
  sessions_.Add("00AA", "P001", 0);
  ack = Send(
      Pcd("C3", "20261124100200", {"START", "infusing", 10}, "P001", "00AA"));
  EXPECT_EQ(AckCode(ack), "AE");
  EXPECT_EQ(sessions_.Of("00AA").events(0).pump_mismatch().expected(),
            "none programmed in the session");
}

TEST_F(GatewayCoreTest, GarbageAndOtherMessagesAreRefusedByPlaceAndKept) {
  std::string ack = Send("hello");
  EXPECT_EQ(AckCode(ack), "AR");
  ack = Send(
      "MSH|^~\\&|A|B|C|D|20261124100000+0000||RGV^O15^RGV_O15|9|P|2.5\r"
      "PID|||P001\r");
  EXPECT_EQ(AckCode(ack), "AR");
  EXPECT_EQ(ErrLocation(ack), "MSH-9 200");
  ack = Send(Pcd("C1", "20261124100000", {"START", "infusing", 10, 2.0}) +
             "OBX|9|NM|158014^MDC_FLOW_FLUID_PUMP_CURRENT^MDC||fast|265266\r");
  EXPECT_EQ(AckCode(ack), "AE");
  EXPECT_EQ(ErrLocation(ack), "OBX-5 102");
  EXPECT_EQ(quarantine_.kept.size(), 3u);
}

TEST_F(GatewayCoreTest, WhatCannotBeKeptOrWrittenIsNeverAcceptedSilently) {
  sessions_.Add(kTestPump, "P001", 2.0);
  sessions_.accept = false;
  Outcome outcome;
  std::string ack = Send(
      Pcd("C1", "20261124100000", {"START", "infusing", 10, 2.0}), &outcome);
  EXPECT_EQ(AckCode(ack), "AE");
  EXPECT_THAT(outcome.reason, HasSubstr("refused the events"));
  EXPECT_TRUE(outcome.quarantined);
  quarantine_.working = false;
  sessions_.available = false;
  ack = Send(Pcd("C2", "20261124100000", {"START", "infusing", 10, 2.0}),
             &outcome);
  EXPECT_EQ(AckCode(ack), "AE");
  EXPECT_THAT(ack, HasSubstr("resend it"));
  EXPECT_FALSE(outcome.quarantined);
}

// IHE's own example messages (read in place from ../shared/interop), each
// answered as it deserves, with a session on the message's pump for its
// patient (1.6 mg/mL, as the examples' bags): orders, ACKs and a monitor are
// not pump reports (AR); the alarms are logged (AA); the infusion events are
// dopamine, which no KIP session runs (AE, an alert), and a stop before any
// start is kept (AE).
TEST(IheExamplesTest, EachIsAnsweredAsItDeserves) {
  const std::map<std::string, std::string> expected = {
      {"01_pcd01_oru_r01_monitor_philips.hl7", "AR"},
      {"02_pcd03_rgv_o15_ex1_dopamine.hl7", "AR"},
      {"03_pcd03_ack_o15_ex1_accept.hl7", "AR"},
      {"04_pcd03_rgv_o15_ex2_normal_saline.hl7", "AR"},
      {"05_pcd03_ack_o15_ex2_accept.hl7", "AR"},
      {"06_pcd03_rrg_o16_ex2_app_reject.hl7", "AR"},
      {"07_pcd04_oru_r40_pump_occlusion_start.hl7", "AA"},
      {"08_pcd04_oru_r40_pump_occlusion_end.hl7", "AA"},
      {"09_pcd10_oru_r42_delivery_start_tf9.hl7", "AE"},
      {"10_pcd10_oru_r42_delivery_start_ipec12.hl7", "AE"},
      {"11_pcd10_oru_r42_delivery_stop_ipec12.hl7", "AE"},
      {"12_pcd10_oru_r42_delivery_complete_ipec12.hl7", "AE"},
  };
  for (const auto& [file, code] : expected) {
    SCOPED_TRACE(file);
    auto bytes = kip::testing::ReadInteropFile(
        "services/gateway/core/gateway_core_test.cc", "hl7v2/" + file);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    FakeSessions sessions;
    FakeQuarantine quarantine;
    auto parsed = hl7::Parse(*bytes);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    hl7::AckError error;
    if (auto report = pcd::ReadPumpReport(*parsed, &error); report.ok()) {
      sessions.Add(report->device_id, report->patient_ids.front(), 1.6);
    }
    GatewayCore core(&sessions, &sessions, &quarantine,
                     [] { return absl::FromUnixSeconds(1'795'000'000); });
    Outcome outcome;
    const std::string ack = core.Handle(*bytes, &outcome);
    auto answer = hl7::Parse(ack);
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->Find("MSA")->Get(1), code) << outcome.reason;
    // Whatever is not applied is kept, byte for byte.
    EXPECT_EQ(quarantine.kept.size(), code == "AA" ? 0u : 1u);
    if (!quarantine.kept.empty()) {
      EXPECT_EQ(quarantine.kept[0].message, *bytes);
    }
  }
}

}  // namespace
}  // namespace kip::gateway
