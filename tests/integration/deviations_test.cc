// Protocol deviations over gRPC on real dosing and sessions servers, SQLite
// and PostgreSQL: the sessions server reads the logged study's protocol from
// dosing with the caller's token, finds a rate given under an override, an
// adjunct the protocol does not list and a session longer than it allows,
// lists them (RPC and kipctl), and exports them as SDTM DV beside DS.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

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

class DeviationsServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto dosing = testing::ServerProcess::Start(
        "services/dosing/dosing_server",
        {auth_.PublicKeyFlag(), "--sessions_address="}, "dosing");
    ASSERT_TRUE(dosing.ok()) << dosing.status();
    dosing_ = std::make_unique<testing::ServerProcess>(std::move(*dosing));
    auto server = testing::StartSessionsOnBackend(
        GetParam(),
        {auth_.PublicKeyFlag(), "--dosing_address=" + dosing_->address()});
    ASSERT_TRUE(server.ok()) << server.status();
    sessions_ = std::make_unique<testing::ServerProcess>(std::move(*server));
    stub_ = sv1::SessionLogService::NewStub(grpc::CreateChannel(
        sessions_->address(), grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(
        testing::CreateStudyS1WithPatientP1(*stub_, auth_.AsRole()).ok());
  }

  sv1::Event At(const std::string& session, absl::Time t) {
    sv1::Event e;
    e.set_event_id(sessions::testing::NewUuid());
    e.set_session_id(session);
    *e.mutable_device_time() = sessions::ToTimestamp(t);
    return e;
  }

  const testing::TestAuth auth_;
  std::unique_ptr<testing::ServerProcess> dosing_, sessions_;
  std::unique_ptr<sv1::SessionLogService::Stub> stub_;
};

TEST_P(DeviationsServerTest, FoundFromTheLogListedAndExportedAsDv) {
  // crps-0.35mgkg-4h: 4 h sessions, no adjuncts listed.
  auto session = testing::StartSessionOfP1(*stub_, auth_.AsRole());
  ASSERT_TRUE(session.ok()) << session.status();
  const absl::Time t0 = absl::Now() - absl::Hours(6);
  std::vector<sv1::Event> events;
  events.push_back(At(*session, t0));
  events.back().mutable_infusion_started()->set_rate_mg_per_h(20);
  events.back().mutable_infusion_started()->set_concentration_mg_per_ml(1);
  events.push_back(At(*session, t0 + absl::Hours(1)));
  events.back().mutable_rate_changed()->set_rate_mg_per_h(60);
  events.back().mutable_rate_changed()->set_override_reason("pain 9/10");
  events.back().mutable_rate_changed()->set_override_clinician_id("dr-1");
  events.push_back(At(*session, t0 + absl::Hours(2)));
  events.back().mutable_adjunct_medication()->set_drug("clonidine");
  events.back().mutable_adjunct_medication()->set_dose_mg(0.1);
  events.back().mutable_adjunct_medication()->set_route("IV");
  events.push_back(At(*session, t0 + absl::Hours(5)));
  events.back().mutable_infusion_stopped();
  sv1::AppendEventsRequest append;
  for (sv1::Event& e : events) *append.add_events() = e;
  sv1::AppendEventsResponse appended;
  grpc::Status status =
      stub_->AppendEvents(auth_.Context("clinician").get(), append, &appended);
  ASSERT_TRUE(status.ok()) << status.error_message();

  sv1::ListDeviationsRequest request;
  request.set_study_id("S1");
  sv1::ListDeviationsResponse listed;
  status = stub_->ListDeviations(auth_.Context("researcher").get(), request,
                                 &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> codes;
  for (const auto& d : listed.deviations()) codes.push_back(d.code());
  EXPECT_THAT(codes, ::testing::ElementsAre("RATE_OUTSIDE_PROTOCOL",
                                            "ADJUNCT_NOT_IN_PROTOCOL",
                                            "SESSION_TOO_LONG"));
  EXPECT_EQ(listed.rules_size(), 6);

  const std::string dir = getenv("TEST_TMPDIR");
  auto kipctl = [&](const std::string& args) {
    return testing::RunCli(
        absl::StrCat("sdk/kipctl/kipctl --token=", auth_.Token("researcher"),
                     " --target=", sessions_->address(), " ", args));
  };
  testing::CliRun cli = kipctl("safety deviations --study S1");
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  EXPECT_THAT(cli.out, HasSubstr("3 protocol deviation(s) in S1"));
  EXPECT_THAT(cli.out, HasSubstr("MAJOR RATE_OUTSIDE_PROTOCOL"));
  EXPECT_THAT(cli.out, HasSubstr("ran 5 h; the protocol's session is 4 h"));
  cli = kipctl(absl::StrCat("sessions export --study S1 --format sdtm --out ",
                            dir, "/sdtm"));
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  std::ifstream dv(dir + "/sdtm/DV.csv");
  const std::string dv_text((std::istreambuf_iterator<char>(dv)), {});
  EXPECT_THAT(dv_text, HasSubstr("S1,DV,S1-P1,1,"));
  EXPECT_THAT(dv_text, HasSubstr("ADJUNCT_NOT_IN_PROTOCOL,MINOR"));
  std::ifstream ds(dir + "/sdtm/DS.csv");
  const std::string ds_text((std::istreambuf_iterator<char>(ds)), {});
  EXPECT_THAT(ds_text,
              HasSubstr("S1,DS,S1-P1,1,ENROLLED,ENROLLED,PROTOCOL MILESTONE"));
}

TEST_P(DeviationsServerTest, AnUnreachableDosingServiceIsReportedNotGuessed) {
  auto session = testing::StartSessionOfP1(*stub_, auth_.AsRole());
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(dosing_->SignalAndWait(SIGKILL, absl::Seconds(10)).has_value());
  sv1::ListDeviationsRequest request;
  request.set_study_id("S1");
  sv1::ListDeviationsResponse listed;
  grpc::Status status = stub_->ListDeviations(auth_.Context("researcher").get(),
                                              request, &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("dosing service"));
}

INSTANTIATE_TEST_SUITE_P(Backends, DeviationsServerTest,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kip
