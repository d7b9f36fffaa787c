// Serious adverse events over gRPC on a real sessions_server, SQLite and
// PostgreSQL: logged side effects with seriousness criteria become reports
// with their clocks (an initial report overdue after 24 h, a SUSAR pending,
// a submission stopping a clock), `--overdue` keeps the late ones, kipctl
// prints time left or overdue, researchers get no free text, and bad SAE
// fields are refused by name.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "services/sessions/store/row_codec.h"
#include "tests/integration/cli_run.h"
#include "tests/integration/running_session.h"
#include "tests/integration/server_process.h"
#include "tests/integration/sessions_on_backend.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;
using ::testing::HasSubstr;

class SafetyServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto server =
        testing::StartSessionsOnBackend(GetParam(), {auth_.PublicKeyFlag()});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::make_unique<testing::ServerProcess>(std::move(*server));
    stub_ = sv1::SessionLogService::NewStub(grpc::CreateChannel(
        server_->address(), grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(
        testing::CreateStudyS1WithPatientP1(*stub_, auth_.AsRole()).ok());
    auto session = testing::StartSessionOfP1(*stub_, auth_.AsRole());
    ASSERT_TRUE(session.ok()) << session.status();
    session_id_ = *session;
  }

  sv1::Event Serious(absl::Time aware,
                     std::vector<sv1::SeriousnessCriterion> criteria,
                     sv1::Causality causality) {
    sv1::Event e;
    e.set_event_id(sessions::testing::NewUuid());
    e.set_session_id(session_id_);
    *e.mutable_device_time() = sessions::ToTimestamp(absl::Now());
    sv1::SideEffect* s = e.mutable_side_effect();
    s->set_type(sv1::HYPERTENSION);
    s->set_severity(sv1::SEVERE);
    s->set_description("BP 230/130, admitted to ward 7 by Dr Smith");
    for (auto c : criteria) s->add_seriousness_criteria(c);
    s->set_causality(causality);
    s->set_expectedness(sv1::UNEXPECTED);
    *s->mutable_awareness_time() = sessions::ToTimestamp(aware);
    return e;
  }

  grpc::Status Append(std::vector<sv1::Event> events) {
    sv1::AppendEventsRequest request;
    for (sv1::Event& e : events) *request.add_events() = std::move(e);
    sv1::AppendEventsResponse response;
    return stub_->AppendEvents(auth_.Context("clinician").get(), request,
                               &response);
  }

  sv1::ListSafetyReportsResponse List(const std::string& role, bool overdue) {
    sv1::ListSafetyReportsRequest request;
    request.set_study_id("S1");
    request.set_overdue_only(overdue);
    sv1::ListSafetyReportsResponse response;
    grpc::Status status =
        stub_->ListSafetyReports(auth_.Context(role).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  const testing::TestAuth auth_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<sv1::SessionLogService::Stub> stub_;
  std::string session_id_;
};

TEST_P(SafetyServerTest, ReportsRunTheirClocksOnTheServersTime) {
  const absl::Time now = absl::Now();
  // Hospitalised, possibly related, unexpected, known 25 h ago: the initial
  // report is an hour overdue, the SUSAR report (15 days) pending.
  sv1::Event late =
      Serious(now - absl::Hours(25), {sv1::HOSPITALISATION}, sv1::POSSIBLE);
  // Life-threatening, known an hour ago, the initial report sent.
  sv1::Event fresh =
      Serious(now - absl::Hours(1), {sv1::LIFE_THREATENING}, sv1::DEFINITE);
  sv1::Event sent;
  sent.set_event_id(sessions::testing::NewUuid());
  sent.set_session_id(session_id_);
  *sent.mutable_device_time() = sessions::ToTimestamp(now);
  sent.mutable_safety_report_submitted()->set_adverse_event_id(
      fresh.event_id());
  sent.mutable_safety_report_submitted()->set_kind(sv1::INITIAL_TO_SPONSOR);
  sent.mutable_safety_report_submitted()->set_reference("SPONSOR-0042");
  sv1::Event nausea = sessions::testing::PainEvent(session_id_, 3);
  nausea.clear_pain_score();
  nausea.mutable_side_effect()->set_type(sv1::NAUSEA);
  nausea.mutable_side_effect()->set_severity(sv1::MILD);
  ASSERT_TRUE(Append({late, fresh, sent, nausea}).ok());

  const sv1::ListSafetyReportsResponse all = List("clinician", false);
  ASSERT_EQ(all.reports_size(), 2);
  const sv1::SafetyReport& first = all.reports(0);
  EXPECT_EQ(first.adverse_event_id(), late.event_id());
  EXPECT_TRUE(first.side_effect().serious());  // set by the server
  EXPECT_TRUE(first.susar());
  EXPECT_TRUE(first.overdue());
  EXPECT_EQ(first.clocks(0).state(), sv1::ReportClock::OVERDUE);
  EXPECT_NEAR(first.clocks(0).seconds_left(), -3600, 120);
  EXPECT_EQ(first.clocks(1).kind(), sv1::SUSAR_EXPEDITED);
  EXPECT_EQ(first.clocks(1).state(), sv1::ReportClock::PENDING);
  const sv1::SafetyReport& second = all.reports(1);
  EXPECT_TRUE(second.fatal_or_life_threatening());
  EXPECT_EQ(second.clocks(0).state(), sv1::ReportClock::SUBMITTED_ON_TIME);
  EXPECT_EQ(second.clocks(0).reference(), "SPONSOR-0042");
  EXPECT_NEAR(second.clocks(1).seconds_left(), 7 * 86400 - 3600, 120);

  const sv1::ListSafetyReportsResponse overdue = List("clinician", true);
  ASSERT_EQ(overdue.reports_size(), 1);
  EXPECT_EQ(overdue.reports(0).adverse_event_id(), late.event_id());
  // Researchers see the report, not the free text.
  EXPECT_EQ(List("researcher", false).reports(0).side_effect().description(),
            "[withheld]");

  testing::CliRun cli = testing::RunCli(absl::StrCat(
      "sdk/kipctl/kipctl --token=", auth_.Token("clinician"), " --target=",
      server_->address(), " safety reports --study S1 --overdue"));
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  EXPECT_THAT(cli.out, HasSubstr("OVERDUE by 1 h"));
  EXPECT_THAT(cli.out, HasSubstr("SUSAR"));
  EXPECT_THAT(cli.out, ::testing::Not(HasSubstr(fresh.event_id())));
  // SDTM AE carries the seriousness criteria and the causality.
  cli = testing::RunCli(absl::StrCat(
      "sdk/kipctl/kipctl --token=", auth_.Token("admin"), " --target=",
      server_->address(), " sessions export --study S1 --format sdtm --out ",
      getenv("TEST_TMPDIR"), "/ae"));
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  std::ifstream ae(absl::StrCat(getenv("TEST_TMPDIR"), "/ae/AE.csv"));
  const std::string ae_text((std::istreambuf_iterator<char>(ae)), {});
  EXPECT_THAT(ae_text, HasSubstr(",AESDTH,AESLIFE,AESHOSP,AESDISAB,AESCONG,"
                                 "AESMIE,AEREL"));
  EXPECT_THAT(ae_text, HasSubstr(",N,N,Y,N,N,N,POSSIBLE"));
  EXPECT_THAT(ae_text, HasSubstr(",N,Y,N,N,N,N,DEFINITE"));
}

TEST_P(SafetyServerTest, BadSeriousAdverseEventFieldsAreRefusedByName) {
  sv1::Event future = Serious(absl::Now() + absl::Hours(2),
                              {sv1::HOSPITALISATION}, sv1::POSSIBLE);
  grpc::Status status = Append({future});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("side_effect.awareness_time"));
  sv1::Event criterion = Serious(absl::Now(), {}, sv1::POSSIBLE);
  criterion.mutable_side_effect()->add_seriousness_criteria(
      static_cast<sv1::SeriousnessCriterion>(99));
  status = Append({criterion});
  EXPECT_THAT(status.error_message(),
              HasSubstr("side_effect.seriousness_criteria[0]"));
  sv1::Event kindless;
  kindless.set_event_id(sessions::testing::NewUuid());
  kindless.set_session_id(session_id_);
  *kindless.mutable_device_time() = sessions::ToTimestamp(absl::Now());
  kindless.mutable_safety_report_submitted()->set_adverse_event_id(
      criterion.event_id());
  status = Append({kindless});
  EXPECT_THAT(status.error_message(),
              HasSubstr("safety_report_submitted.kind"));
  EXPECT_EQ(List("clinician", false).reports_size(), 0);  // nothing written
}

TEST_P(SafetyServerTest, InvestigatorsSignCasebooksThatCorrectionsSupersede) {
  ASSERT_TRUE(Append({sessions::testing::PainEvent(session_id_, 6)}).ok());
  auto second = testing::StartSessionOfP1(*stub_, auth_.AsRole());
  ASSERT_TRUE(second.ok());
  sv1::Event later = sessions::testing::PainEvent(*second, 4);
  ASSERT_TRUE(Append({later}).ok());
  sv1::SignRecordsRequest sign;
  sign.set_study_id("S1");
  sign.set_patient_id("P1");
  sign.set_meaning(sv1::APPROVED);
  sign.set_printed_name("Dr Ada Investigator");
  sv1::SignRecordsResponse signed_records;
  // A sign-in older than 5 minutes is not enough.
  {
    grpc::ClientContext stale;
    stale.AddMetadata(
        "authorization",
        "Bearer " +
            auth_.TokenIssuedAt("clinician", absl::Now() - absl::Minutes(10)));
    grpc::Status status = stub_->SignRecords(&stale, sign, &signed_records);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_THAT(status.error_message(), HasSubstr("sign-in within the last"));
  }
  EXPECT_EQ(
      stub_->SignRecords(auth_.Context("device").get(), sign, &signed_records)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status = stub_->SignRecords(auth_.Context("clinician").get(),
                                           sign, &signed_records);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(signed_records.signature_events_size(), 2);  // both sessions
  const sv1::Signature& first = signed_records.signature_events(0).signature();
  EXPECT_EQ(first.printed_name(), "Dr Ada Investigator");
  EXPECT_EQ(first.scope(), "casebook");
  // Each covers exactly its session's events so far: one pain score each.
  EXPECT_EQ(first.records_size(), 1);
  EXPECT_EQ(signed_records.signature_events(1).signature().records_size(), 1);
  // A client cannot forge one.
  sv1::Event forged = signed_records.signature_events(0);
  forged.set_event_id(sessions::testing::NewUuid());
  EXPECT_EQ(Append({forged}).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  auto verify = [&](const std::string& session) {
    sv1::VerifySessionRequest request;
    request.set_session_id(session);
    sv1::VerifySessionResponse response;
    EXPECT_TRUE(stub_
                    ->VerifySession(auth_.Context("clinician").get(), request,
                                    &response)
                    .ok());
    return response;
  };
  sv1::VerifySessionResponse checked = verify(*second);
  EXPECT_TRUE(checked.ok());
  ASSERT_EQ(checked.signatures_size(), 1);
  EXPECT_EQ(checked.signatures(0).state(), sv1::SignatureCheck::VALID);
  EXPECT_EQ(checked.signatures(0).meaning(), sv1::APPROVED);
  // Correcting a signed record supersedes the signature; the chain holds.
  sv1::Event fix;
  fix.set_event_id(sessions::testing::NewUuid());
  fix.set_session_id(*second);
  *fix.mutable_device_time() = sessions::ToTimestamp(absl::Now());
  fix.mutable_correction()->set_corrected_event_id(later.event_id());
  fix.mutable_correction()->set_reason("transcription error");
  *fix.mutable_correction()->mutable_replacement() = later;
  fix.mutable_correction()
      ->mutable_replacement()
      ->mutable_pain_score()
      ->set_nrs(5);
  ASSERT_TRUE(Append({fix}).ok());
  checked = verify(*second);
  EXPECT_TRUE(checked.ok());
  EXPECT_EQ(checked.signatures(0).state(), sv1::SignatureCheck::SUPERSEDED);
  EXPECT_EQ(verify(session_id_).signatures(0).state(),
            sv1::SignatureCheck::VALID);
  // The export shows the signatures.
  testing::CliRun cli = testing::RunCli(absl::StrCat(
      "sdk/kipctl/kipctl --token=", auth_.Token("admin"),
      " --target=", server_->address(), " sessions export --study S1 --out ",
      getenv("TEST_TMPDIR"), "/signed"));
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  std::ifstream table(
      absl::StrCat(getenv("TEST_TMPDIR"), "/signed/signatures.csv"));
  const std::string text((std::istreambuf_iterator<char>(table)), {});
  EXPECT_THAT(text, HasSubstr("Dr Ada Investigator,APPROVED"));
  // And in the ODM 1.3.2 export (its schema validity: odm_export_test).
  cli = testing::RunCli(absl::StrCat(
      "sdk/kipctl/kipctl --token=", auth_.Token("admin"), " --target=",
      server_->address(), " sessions export --study S1 --format odm --out ",
      getenv("TEST_TMPDIR"), "/odm"));
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  EXPECT_THAT(cli.out, HasSubstr("/odm/S1.odm.xml"));
  std::ifstream odm(absl::StrCat(getenv("TEST_TMPDIR"), "/odm/S1.odm.xml"));
  const std::string xml((std::istreambuf_iterator<char>(odm)), {});
  EXPECT_THAT(xml, HasSubstr("ODMVersion=\"1.3.2\""));
  EXPECT_THAT(xml, HasSubstr("<SignatureRef SignatureOID=\"SD.APPROVED\"/>"));
  EXPECT_THAT(xml, HasSubstr("<ReasonForChange>transcription error"));
}

INSTANTIATE_TEST_SUITE_P(Backends, SafetyServerTest,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kip
