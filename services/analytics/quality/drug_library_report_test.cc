// A scripted month of infusions and drug-library alerts, counted by hand
// below, against the report.
#include "services/analytics/quality/drug_library_report.h"

#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace kip::quality {
namespace {

namespace av1 = kip::analytics::v1;
namespace sv1 = kip::sessions::v1;
using ::testing::HasSubstr;

absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error))
      << error;
  return t;
}

class Script {
 public:
  sv1::GetSessionResponse& Session(const std::string& patient,
                                   const std::string& site) {
    outcomes::LoggedPatient& p = patients_[patient];
    p.patient.set_patient_id(patient);
    p.patient.set_site_id(site);
    sv1::GetSessionResponse& s = p.sessions.emplace_back();
    s.mutable_session()->set_session_id(absl::StrCat("s", ++sessions_));
    s.mutable_session()->set_site_id(site);
    s.mutable_session()->set_protocol_id("P1");
    return s;
  }
  static sv1::Event* Add(sv1::GetSessionResponse& s, const std::string& at) {
    sv1::Event* e = s.add_events();
    e->set_event_id(
        absl::StrCat("e", s.events_size(), "-", s.session().session_id()));
    *e->mutable_device_time() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
            absl::ToUnixMicros(At(at)));
    return e;
  }
  static sv1::Event* Started(sv1::GetSessionResponse& s, const std::string& at,
                             kip::common::v1::CareArea area) {
    sv1::Event* e = Add(s, at);
    e->mutable_infusion_started()->set_rate_mg_per_h(35);
    e->mutable_infusion_started()->set_care_area(area);
    return e;
  }
  // `limits`: "name:SOFT" or "name:HARD".
  static void Alert(sv1::GetSessionResponse& s, const std::string& at,
                    const std::string& verdict, bool overridden,
                    const std::string& protocol, const std::string& area,
                    std::vector<std::string> limits) {
    sv1::DrugLibraryAlert* a = Add(s, at)->mutable_drug_library_alert();
    a->set_verdict(verdict);
    a->set_overridden(overridden);
    a->set_protocol_id(protocol);
    a->set_care_area(area);
    for (const std::string& l : limits) {
      const size_t colon = l.find(':');
      sv1::AlertedLimit* limit = a->add_limits();
      limit->set_limit(l.substr(0, colon));
      limit->set_severity(l.substr(colon + 1));
    }
  }
  std::vector<outcomes::LoggedPatient> Patients() const {
    std::vector<outcomes::LoggedPatient> out;
    for (const auto& [id, p] : patients_) out.push_back(p);
    return out;
  }

 private:
  std::map<std::string, outcomes::LoggedPatient> patients_;
  int sessions_ = 0;
};

constexpr auto kOutpatient = kip::common::v1::OUTPATIENT_PAIN;
constexpr auto kIcu = kip::common::v1::ICU;
constexpr char kRateMax[] = "drug_library.continuous_rate_max";
constexpr char kRateHard[] = "drug_library.continuous_rate_hard_max";
constexpr char kCumulative[] = "drug_library.cumulative_dose_max";
constexpr char kWeight[] = "drug_library.weight_max";

// October 2026 (UTC), with one infusion on each side of it:
//   A (site S1): Oct 3 outpatient infusion, a soft alert overridden
//     (rate max), a hard stop (rate hard max + rate max), a soft alert not
//     overridden with no protocol of its own (cumulative dose max);
//     Oct 31 23:59:59 outpatient infusion; Nov 1 00:00:00 one; Sep 30
//     23:59:59 one.
//   B (site S2): Oct 10 ICU infusion with a soft alert (rate max) and a hard
//     stop under protocol P2 (weight max); Oct 12 ICU infusion corrected away.
//   C (site S1): Oct 15 infusion logged without a care area.
Script October() {
  Script s;
  auto& a1 = s.Session("A", "S1");
  Script::Started(a1, "2026-10-03T09:00:00Z", kOutpatient);
  Script::Alert(a1, "2026-10-03T09:30:00Z", "SOFT_LIMIT", true, "P1",
                "OUTPATIENT_PAIN", {std::string(kRateMax) + ":SOFT"});
  Script::Alert(
      a1, "2026-10-03T10:00:00Z", "HARD_LIMIT", false, "P1", "OUTPATIENT_PAIN",
      {std::string(kRateHard) + ":HARD", std::string(kRateMax) + ":SOFT"});
  Script::Alert(a1, "2026-10-03T10:05:00Z", "SOFT_LIMIT", false, "",
                "OUTPATIENT_PAIN", {std::string(kCumulative) + ":SOFT"});
  Script::Started(s.Session("A", "S1"), "2026-10-31T23:59:59Z", kOutpatient);
  Script::Started(s.Session("A", "S1"), "2026-11-01T00:00:00Z", kOutpatient);
  Script::Started(s.Session("A", "S1"), "2026-09-30T23:59:59Z", kOutpatient);
  auto& b1 = s.Session("B", "S2");
  Script::Started(b1, "2026-10-10T08:00:00Z", kIcu);
  Script::Alert(b1, "2026-10-10T08:10:00Z", "SOFT_LIMIT", false, "P1", "ICU",
                {std::string(kRateMax) + ":SOFT"});
  Script::Alert(b1, "2026-10-10T08:20:00Z", "HARD_LIMIT", false, "P2", "ICU",
                {std::string(kWeight) + ":HARD"});
  auto& b2 = s.Session("B", "S2");
  const std::string voided =
      Script::Started(b2, "2026-10-12T08:00:00Z", kIcu)->event_id();
  sv1::Correction* c =
      Script::Add(b2, "2026-10-12T08:05:00Z")->mutable_correction();
  c->set_corrected_event_id(voided);
  c->set_reason("logged on the wrong patient");
  Script::Started(s.Session("C", "S1"), "2026-10-15T12:00:00Z",
                  kip::common::v1::CARE_AREA_UNSPECIFIED);
  return s;
}

av1::ComputeDrugLibraryReportResponse Report(const std::string& from,
                                             const std::string& to) {
  av1::ComputeDrugLibraryReportRequest request;
  request.set_from_month(from);
  request.set_to_month(to);
  auto report = ComputeDrugLibraryReport(October().Patients(), request);
  EXPECT_TRUE(report.ok()) << report.status();
  return report.value_or(av1::ComputeDrugLibraryReportResponse());
}

void ExpectRow(const av1::DrugLibraryReportRow& row, const char* site,
               const char* area, const char* protocol, int infusions,
               int alerts, int overrides, int hard) {
  SCOPED_TRACE(row.ShortDebugString());
  EXPECT_EQ(row.site_id(), site);
  EXPECT_EQ(row.care_area(), area);
  EXPECT_EQ(row.protocol_id(), protocol);
  EXPECT_EQ(row.infusions(), infusions);
  EXPECT_EQ(row.alerts(), alerts);
  EXPECT_EQ(row.overrides(), overrides);
  EXPECT_EQ(row.hard_limit_stops(), hard);
}

TEST(DrugLibraryReportTest, AScriptedMonthCountedByHand) {
  const auto report = Report("2026-10", "2026-10");
  ASSERT_EQ(report.rows_size(), 4);
  for (const auto& row : report.rows()) EXPECT_EQ(row.month(), "2026-10");
  ExpectRow(report.rows(0), "S1", "CARE_AREA_UNSPECIFIED", "P1", 1, 0, 0, 0);
  ExpectRow(report.rows(1), "S1", "OUTPATIENT_PAIN", "P1", 2, 3, 1, 1);
  ExpectRow(report.rows(2), "S2", "ICU", "P1", 1, 1, 0, 0);
  ExpectRow(report.rows(3), "S2", "ICU", "P2", 0, 1, 0, 1);
  // 3 alerts, 1 override, 1 stop in 2 infusions.
  EXPECT_DOUBLE_EQ(report.rows(1).alerts_per_100_infusions(), 150);
  EXPECT_DOUBLE_EQ(report.rows(1).overrides_per_100_infusions(), 50);
  EXPECT_DOUBLE_EQ(report.rows(1).hard_limit_stops_per_100_infusions(), 50);
  EXPECT_DOUBLE_EQ(report.rows(0).alerts_per_100_infusions(), 0);
  EXPECT_DOUBLE_EQ(report.rows(2).alerts_per_100_infusions(), 100);
  // No infusion: no rate rather than a division by zero.
  EXPECT_FALSE(report.rows(3).has_alerts_per_100_infusions());
  EXPECT_FALSE(report.rows(3).has_hard_limit_stops_per_100_infusions());
  // The rate maximum twice (the overridden alert and the hard stop), then
  // the ties by name.
  const auto& hits = report.rows(1).limits_hit_most();
  ASSERT_EQ(hits.size(), 3);
  EXPECT_EQ(hits[0].limit(), kRateMax);
  EXPECT_EQ(hits[0].alerts(), 2);
  EXPECT_EQ(hits[0].hard(), 0);
  EXPECT_EQ(hits[1].limit(), kRateHard);
  EXPECT_EQ(hits[1].hard(), 1);
  EXPECT_EQ(hits[2].limit(), kCumulative);

  ExpectRow(report.total(), "", "", "", 4, 5, 1, 2);
  EXPECT_DOUBLE_EQ(report.total().alerts_per_100_infusions(), 125);
  EXPECT_DOUBLE_EQ(report.total().overrides_per_100_infusions(), 25);
  EXPECT_DOUBLE_EQ(report.total().hard_limit_stops_per_100_infusions(), 50);
  ASSERT_EQ(report.limits_hit_most_size(), 4);
  EXPECT_EQ(report.limits_hit_most(0).limit(), kRateMax);
  EXPECT_EQ(report.limits_hit_most(0).alerts(), 3);
  EXPECT_EQ(report.limits_hit_most(3).limit(), kWeight);
  EXPECT_EQ(report.first_month(), "2026-10");
  EXPECT_EQ(report.last_month(), "2026-10");
}

TEST(DrugLibraryReportTest, MonthsAreUtcCalendarMonthsOfTheDeviceTime) {
  const auto report = Report("", "");
  ASSERT_EQ(report.rows_size(), 6);
  EXPECT_EQ(report.first_month(), "2026-09");
  EXPECT_EQ(report.last_month(), "2026-11");
  ExpectRow(report.rows(0), "S1", "OUTPATIENT_PAIN", "P1", 1, 0, 0, 0);
  EXPECT_EQ(report.rows(0).month(), "2026-09");
  ExpectRow(report.rows(5), "S1", "OUTPATIENT_PAIN", "P1", 1, 0, 0, 0);
  EXPECT_EQ(report.rows(5).month(), "2026-11");
  EXPECT_EQ(report.total().infusions(), 6);

  const auto november = Report("2026-11", "");
  ASSERT_EQ(november.rows_size(), 1);
  EXPECT_EQ(november.total().infusions(), 1);
  EXPECT_EQ(november.last_month(), "2026-11");
  const auto empty = Report("2027-01", "2027-03");
  EXPECT_EQ(empty.rows_size(), 0);
  EXPECT_EQ(empty.total().infusions(), 0);
  EXPECT_FALSE(empty.total().has_alerts_per_100_infusions());
}

TEST(DrugLibraryReportTest, BadMonthsAreNamed) {
  auto check = [](const std::string& from, const std::string& to,
                  const std::string& message) {
    av1::ComputeDrugLibraryReportRequest request;
    request.set_from_month(from);
    request.set_to_month(to);
    auto report = ComputeDrugLibraryReport({}, request);
    EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(report.status().message()), HasSubstr(message));
  };
  check("2026-13", "", "from_month: '2026-13' is not a month");
  check("2026-1", "", "from_month: '2026-1' is not");
  check("", "26-10-01", "to_month: '26-10-01' is not");
  check("2026-10-01", "", "from_month");
  check("2026-11", "2026-10", "to_month: 2026-10 is before from_month 2026-11");
  // Garbage: bytes that are not UTF-8, an embedded NUL, a megabyte.
  check("\xff\xfe-\x80\x81", "", "from_month");
  check(std::string("2026-10\0", 8), "", "from_month");
  check("", std::string(1 << 20, '9'), "to_month");
}

}  // namespace
}  // namespace kip::quality
