// The drug-library quality report end to end, on SQLite and PostgreSQL: a
// scripted October (infusions and alerts logged by devices of two sites, one
// infusion corrected away, one just outside the month) counted by hand, and
// a refused program whose alert the real dosing service writes, read back by
// the real analytics service as a researcher, over gRPC and through kipctl.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "kip/analytics/v1/analytics.grpc.pb.h"
#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "services/sessions/store/row_codec.h"
#include "tests/integration/cli_run.h"
#include "tests/integration/server_process.h"
#include "tests/integration/sessions_on_backend.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace av1 = kip::analytics::v1;
namespace dv1 = kip::dosing::v1;
namespace sv1 = kip::sessions::v1;
using ::testing::HasSubstr;

absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error));
  return t;
}

class CqiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto sessions =
        testing::StartSessionsOnBackend(GetParam(), {site_a_.PublicKeyFlag()});
    ASSERT_TRUE(sessions.ok()) << sessions.status();
    sessions_ = std::make_unique<testing::ServerProcess>(std::move(*sessions));
    auto dosing = testing::ServerProcess::Start(
        "services/dosing/dosing_server",
        {site_a_.PublicKeyFlag(), "--sessions_address=" + sessions_->address()},
        "dosing");
    ASSERT_TRUE(dosing.ok()) << dosing.status();
    dosing_ = std::make_unique<testing::ServerProcess>(std::move(*dosing));
    auto analytics = testing::ServerProcess::Start(
        "services/analytics/analytics_server",
        {site_a_.PublicKeyFlag(), "--sessions_address=" + sessions_->address()},
        "analytics");
    ASSERT_TRUE(analytics.ok()) << analytics.status();
    analytics_ =
        std::make_unique<testing::ServerProcess>(std::move(*analytics));
    stub_ = sv1::SessionLogService::NewStub(grpc::CreateChannel(
        sessions_->address(), grpc::InsecureChannelCredentials()));
    ASSERT_NO_FATAL_FAILURE(CreateStudy());
  }

  void CreateStudy() {
    sv1::CreateStudyRequest study;
    *study.mutable_study() = sessions::testing::MakeStudy("S1");
    study.mutable_study()->add_protocol_ids("bosma-2018");
    study.mutable_study()->add_site_ids("site-b");
    sv1::CreateStudyResponse created;
    grpc::Status status =
        stub_->CreateStudy(site_a_.Context("clinician").get(), study, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& [patient, auth] :
         {std::pair{"P1", &site_a_}, std::pair{"P2", &site_b_}}) {
      sv1::EnrollPatientRequest enroll;
      *enroll.mutable_patient() = sessions::testing::MakePatient("S1", patient);
      enroll.mutable_patient()->set_site_id(auth == &site_a_ ? "site-a"
                                                             : "site-b");
      sv1::EnrollPatientResponse enrolled;
      status = stub_->EnrollPatient(auth->Context("clinician").get(), enroll,
                                    &enrolled);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  // A session of `patient` started at `start` with `events` (device times
  // filled from `start` + a minute each) appended by the site's device.
  std::string Session(const testing::TestAuth& auth, const std::string& patient,
                      absl::Time start, std::vector<sv1::Event> events) {
    sv1::StartSessionRequest request;
    *request.mutable_session() = sessions::testing::MakeSession("S1", patient);
    request.mutable_session()->set_protocol_id("bosma-2018");
    request.mutable_session()->set_site_id(&auth == &site_a_ ? "site-a"
                                                             : "site-b");
    *request.mutable_session()->mutable_start_time() =
        sessions::ToTimestamp(start);
    sv1::StartSessionResponse started;
    grpc::Status status =
        stub_->StartSession(auth.Context("device").get(), request, &started);
    EXPECT_TRUE(status.ok()) << status.error_message();
    const std::string id = started.session().session_id();
    sv1::AppendEventsRequest append;
    int minute = 0;
    for (sv1::Event& e : events) {
      e.set_event_id(sessions::testing::NewUuid());
      e.set_session_id(id);
      *e.mutable_device_time() =
          sessions::ToTimestamp(start + absl::Minutes(minute++));
      *append.add_events() = std::move(e);
    }
    sv1::AppendEventsResponse acks;
    status = stub_->AppendEvents(auth.Context("device").get(), append, &acks);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return id;
  }

  static sv1::Event Started(kip::common::v1::CareArea area) {
    sv1::Event e;
    e.mutable_infusion_started()->set_rate_mg_per_h(24.5);
    e.mutable_infusion_started()->set_concentration_mg_per_ml(1);
    e.mutable_infusion_started()->set_care_area(area);
    return e;
  }
  static sv1::Event Alert(const std::string& verdict, bool overridden,
                          const std::string& area, const std::string& limit) {
    sv1::Event e;
    sv1::DrugLibraryAlert* a = e.mutable_drug_library_alert();
    a->set_verdict(verdict);
    a->set_overridden(overridden);
    a->set_protocol_id("bosma-2018");
    a->set_care_area(area);
    a->set_rate_mg_per_h(60);
    sv1::AlertedLimit* l = a->add_limits();
    l->set_limit(limit);
    l->set_severity(verdict == "HARD_LIMIT" ? "HARD" : "SOFT");
    return e;
  }

  // October 2026: site-a two outpatient infusions, a soft alert overridden
  // and a hard stop; site-b one ICU infusion with a soft alert, and one
  // infusion corrected away; an infusion at 2026-09-30 23:59:59 UTC.
  void ScriptOctober() {
    const auto kOut = kip::common::v1::OUTPATIENT_PAIN;
    Session(site_a_, "P1", At("2026-10-05T09:00:00Z"),
            {Started(kOut), Alert("SOFT_LIMIT", true, "OUTPATIENT_PAIN", kMax),
             Alert("HARD_LIMIT", false, "OUTPATIENT_PAIN", kHardMax)});
    Session(site_a_, "P1", At("2026-10-20T09:00:00Z"), {Started(kOut)});
    Session(site_a_, "P1", At("2026-09-30T23:59:59Z"), {Started(kOut)});
    Session(site_b_, "P2", At("2026-10-07T08:00:00Z"),
            {Started(kip::common::v1::ICU),
             Alert("SOFT_LIMIT", false, "ICU", kMax)});
    const std::string voided =
        Session(site_b_, "P2", At("2026-10-08T08:00:00Z"),
                {Started(kip::common::v1::ICU)});
    sv1::GetSessionRequest get;
    get.set_session_id(voided);
    sv1::GetSessionResponse logged;
    ASSERT_TRUE(
        stub_->GetSession(site_b_.Context("clinician").get(), get, &logged)
            .ok());
    sv1::Event correction;
    correction.mutable_correction()->set_corrected_event_id(
        logged.events(0).event_id());
    correction.mutable_correction()->set_reason("pump started in error");
    sv1::AppendEventsRequest append;
    correction.set_event_id(sessions::testing::NewUuid());
    correction.set_session_id(voided);
    *correction.mutable_device_time() =
        sessions::ToTimestamp(At("2026-10-08T08:05:00Z"));
    *append.add_events() = correction;
    sv1::AppendEventsResponse acks;
    grpc::Status status =
        stub_->AppendEvents(site_b_.Context("clinician").get(), append, &acks);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status Report(const std::string& role, const std::string& from,
                      const std::string& to,
                      av1::ComputeDrugLibraryReportResponse* report) {
    auto stub = av1::AnalyticsService::NewStub(grpc::CreateChannel(
        analytics_->address(), grpc::InsecureChannelCredentials()));
    av1::ComputeDrugLibraryReportRequest request;
    request.set_study_id("S1");
    request.set_from_month(from);
    request.set_to_month(to);
    request.set_render_svg(true);
    return stub->ComputeDrugLibraryReport(site_a_.Context(role).get(), request,
                                          report);
  }

  static constexpr char kMax[] = "drug_library.continuous_rate_max";
  static constexpr char kHardMax[] = "drug_library.continuous_rate_hard_max";
  const testing::TestAuth site_a_;
  const testing::TestAuth site_b_ = site_a_.AtSite("site-b");
  std::unique_ptr<testing::ServerProcess> sessions_, dosing_, analytics_;
  std::unique_ptr<sv1::SessionLogService::Stub> stub_;
};

TEST_P(CqiTest, AScriptedMonthMatchesTheHandCount) {
  ASSERT_NO_FATAL_FAILURE(ScriptOctober());
  av1::ComputeDrugLibraryReportResponse report;
  grpc::Status status = Report("researcher", "2026-10", "2026-10", &report);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(report.rows_size(), 2) << report.DebugString();
  const av1::DrugLibraryReportRow& a = report.rows(0);
  EXPECT_EQ(a.site_id(), "site-a");
  EXPECT_EQ(a.care_area(), "OUTPATIENT_PAIN");
  EXPECT_EQ(a.protocol_id(), "bosma-2018");
  EXPECT_EQ(a.infusions(), 2);
  EXPECT_EQ(a.alerts(), 2);
  EXPECT_EQ(a.overrides(), 1);
  EXPECT_EQ(a.hard_limit_stops(), 1);
  EXPECT_DOUBLE_EQ(a.alerts_per_100_infusions(), 100);
  EXPECT_DOUBLE_EQ(a.overrides_per_100_infusions(), 50);
  EXPECT_DOUBLE_EQ(a.hard_limit_stops_per_100_infusions(), 50);
  const av1::DrugLibraryReportRow& b = report.rows(1);
  EXPECT_EQ(b.site_id(), "site-b");
  EXPECT_EQ(b.care_area(), "ICU");
  EXPECT_EQ(b.infusions(), 1);  // the corrected one is gone
  EXPECT_EQ(b.alerts(), 1);
  EXPECT_DOUBLE_EQ(b.alerts_per_100_infusions(), 100);
  EXPECT_EQ(report.total().infusions(), 3);
  EXPECT_EQ(report.total().alerts(), 3);
  ASSERT_EQ(report.limits_hit_most_size(), 2);
  EXPECT_EQ(report.limits_hit_most(0).limit(), kMax);
  EXPECT_EQ(report.limits_hit_most(0).alerts(), 2);
  EXPECT_THAT(report.svg(), HasSubstr("<svg"));

  // kipctl: the same figures as JSON, the table and the chart file.
  const std::string svg_path =
      absl::StrCat(getenv("TEST_TMPDIR"), "/cqi-", GetParam(), ".svg");
  const std::string kipctl = absl::StrCat(
      "sdk/kipctl/kipctl --token=", site_a_.Token("researcher"),
      " --analytics=", analytics_->address(), " safety cqi --study S1 ");
  testing::CliRun cli = testing::RunCli(
      kipctl + "--from 2026-10 --to 2026-10 --json --svg " + svg_path);
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  const auto json = nlohmann::json::parse(cli.out);
  EXPECT_EQ(json["total"]["infusions"], "3");  // int64 in proto JSON
  EXPECT_EQ(json["rows"][0]["overrides_per_100_infusions"], 50.0);
  std::ifstream svg(svg_path);
  const std::string chart((std::istreambuf_iterator<char>(svg)), {});
  EXPECT_THAT(chart, HasSubstr("site-b  ICU  bosma-2018  (1 infusion)"));
  cli = testing::RunCli(kipctl + "--from 2026-09 --to 2026-10");
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  EXPECT_THAT(cli.out, HasSubstr("2026-09..2026-10"));
  EXPECT_THAT(cli.out, HasSubstr("2026-09  site-a"));
  EXPECT_THAT(cli.out, HasSubstr("total"));
}

TEST_P(CqiTest, ARefusedProgramCountsAsAHardLimitStopThisMonth) {
  const std::string session =
      Session(site_a_, "P1", absl::Now() - absl::Hours(1),
              {Started(kip::common::v1::OUTPATIENT_PAIN)});
  auto dosing = dv1::DosingService::NewStub(grpc::CreateChannel(
      dosing_->address(), grpc::InsecureChannelCredentials()));
  dv1::ValidateProgramRequest program;
  program.set_protocol_id("bosma-2018");
  program.mutable_patient()->set_weight_kg(70);
  program.set_concentration_mg_per_ml(1);
  program.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
  program.mutable_program()->set_rate_mg_per_h(150);  // a slip of the finger
  program.mutable_program()->set_duration_min(60);
  program.set_session_id(session);
  dv1::ValidateProgramResponse verdict;
  grpc::Status status = dosing->ValidateProgram(site_a_.Context("device").get(),
                                                program, &verdict);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(verdict.verdict(), dv1::HARD_LIMIT);

  const std::string month =
      absl::FormatTime("%Y-%m", absl::Now(), absl::UTCTimeZone());
  av1::ComputeDrugLibraryReportResponse report;
  status = Report("statistician", month, month, &report);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(report.rows_size(), 1) << report.DebugString();
  EXPECT_EQ(report.rows(0).infusions(), 1);
  EXPECT_EQ(report.rows(0).hard_limit_stops(), 1);
  EXPECT_DOUBLE_EQ(report.rows(0).hard_limit_stops_per_100_infusions(), 100);
  ASSERT_EQ(report.limits_hit_most_size(), verdict.violations_size());
  EXPECT_EQ(report.rows(0).limits_hit_most(0).limit(),
            verdict.violations(0).limit());
}

TEST_P(CqiTest, BadRequestsAndTheWrongCallersAreRefused) {
  av1::ComputeDrugLibraryReportResponse report;
  grpc::Status status = Report("researcher", "2026-13", "", &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("from_month: '2026-13'"));
  status = Report("researcher", "2026-11", "2026-10", &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("to_month"));
  EXPECT_EQ(Report("device", "", "", &report).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  testing::CliRun cli = testing::RunCli(
      absl::StrCat("sdk/kipctl/kipctl --token=", site_a_.Token("researcher"),
                   " --analytics=", analytics_->address(),
                   " safety cqi --study S1 --from 10/2026"));
  EXPECT_EQ(cli.exit_status, 2);
  EXPECT_THAT(cli.err, HasSubstr("from_month"));
}

INSTANTIATE_TEST_SUITE_P(Stores, CqiTest,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kip
