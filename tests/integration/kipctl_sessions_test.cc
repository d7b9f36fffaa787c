// `kipctl sessions ...` and `--help` as a clinician or researcher runs them,
// against a real sessions_server, including the error paths.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "tests/integration/cli_run.h"
#include "tests/integration/running_session.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;

using ::kip::testing::CliRun;

class KipctlSessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::ServerProcess::Start(
        "services/sessions/sessions_server",
        {auth_.PublicKeyFlag(),
         absl::StrCat("--data_dir=", Dir(), "/", sessions::testing::NewUuid())},
        "sessions");
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::make_unique<testing::ServerProcess>(std::move(*server));
    auto stub = sv1::SessionLogService::NewStub(grpc::CreateChannel(
        server_->address(), grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(
        testing::CreateStudyS1WithPatientP1(*stub, auth_.AsRole()).ok());
  }

  static std::string Dir() { return getenv("TEST_TMPDIR"); }
  std::string Token(const std::string& role) { return auth_.Token(role); }

  CliRun Kipctl(const std::string& args,
                const std::string& role = "clinician") {
    return testing::RunCli(
        absl::StrCat("sdk/kipctl/kipctl --token=", Token(role),
                     " --target=", server_->address(), " ", args));
  }

  const testing::TestAuth auth_;
  std::unique_ptr<testing::ServerProcess> server_;
};

TEST_F(KipctlSessionsTest, StartLogShowVerifyExport) {
  CliRun start = Kipctl(
      "sessions start --study S1 --patient P1 --protocol crps-0.35mgkg-4h "
      "--device pump-9");
  ASSERT_EQ(start.exit_status, 0) << start.err;
  const std::string session(absl::StripAsciiWhitespace(start.out));
  ASSERT_EQ(session.size(), 36u) << start.out;
  CliRun pain = Kipctl("sessions log --session " + session +
                       " --pain 7 --timepoint baseline");
  ASSERT_EQ(pain.exit_status, 0) << pain.err;
  EXPECT_NE(pain.out.find("sequence 1"), std::string::npos) << pain.out;
  CliRun json =
      Kipctl("sessions log --session " + session +
             " --event-json '{\"vital_signs\":{\"spo2_percent\":97}}' --json");
  ASSERT_EQ(json.exit_status, 0) << json.err;
  EXPECT_NE(json.out.find("\"session_sequence\": \"2\""), std::string::npos)
      << json.out;
  CliRun show = Kipctl("sessions show --session " + session);
  ASSERT_EQ(show.exit_status, 0) << show.err;
  EXPECT_NE(show.out.find("pain_score"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("vital_signs"), std::string::npos) << show.out;
  CliRun verify = Kipctl("sessions verify --session " + session);
  EXPECT_EQ(verify.exit_status, 0) << verify.err;
  EXPECT_NE(verify.out.find("ok: 2 events"), std::string::npos) << verify.out;
  CliRun exported = Kipctl(
      "sessions export --study S1 --format sdtm --out " + Dir() + "/sdtm",
      "researcher");
  ASSERT_EQ(exported.exit_status, 0) << exported.err;
  std::ifstream qs(Dir() + "/sdtm/QS.csv");
  const std::string text((std::istreambuf_iterator<char>(qs)), {});
  EXPECT_NE(text.find("PAINNRS"), std::string::npos);
}

TEST_F(KipctlSessionsTest, ASessionForThePumpGatewayHasItsBagAndCareArea) {
  CliRun start = Kipctl(
      "sessions start --study S1 --patient P1 --protocol crps-0.35mgkg-4h "
      "--device 0012210000000000 --concentration-mg-per-ml 2 --care-area "
      "inpatient_ward --json");
  ASSERT_EQ(start.exit_status, 0) << start.err;
  EXPECT_NE(start.out.find("\"concentration_mg_per_ml\": 2"), std::string::npos)
      << start.out;
  EXPECT_NE(start.out.find("\"care_area\": \"INPATIENT_WARD\""),
            std::string::npos)
      << start.out;
  CliRun bad = Kipctl(
      "sessions start --study S1 --patient P1 --protocol crps-0.35mgkg-4h "
      "--device d --care-area cafeteria");
  EXPECT_EQ(bad.exit_status, 2);
  EXPECT_NE(bad.err.find("--care-area: 'cafeteria'"), std::string::npos)
      << bad.err;
}

TEST_F(KipctlSessionsTest, ErrorsAreOneLineWithANonZeroExit) {
  CliRun missing = Kipctl("sessions log --pain 3");
  EXPECT_EQ(missing.exit_status, 2);
  EXPECT_NE(missing.err.find("--session"), std::string::npos);
  CliRun bad = Kipctl(
      "sessions log --session 00000000-0000-4000-8000-000000000000 --pain 12");
  EXPECT_EQ(bad.exit_status, 2);
  EXPECT_NE(bad.err.find("events[0].pain_score.nrs: 12 is outside 0..10"),
            std::string::npos)
      << bad.err;
  CliRun unknown =
      Kipctl("sessions show --session 00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(unknown.exit_status, 1);
  EXPECT_NE(unknown.err.find("no session"), std::string::npos) << unknown.err;
  CliRun denied =
      Kipctl("sessions export --study S1 --out " + Dir() + "/x", "device");
  EXPECT_EQ(denied.exit_status, 1);
  EXPECT_EQ(std::count(denied.err.begin(), denied.err.end(), '\n'), 1)
      << denied.err;
}

TEST_F(KipctlSessionsTest, EveryCommandAnswersHelp) {
  for (const char* command :
       {"dosing protocols", "dosing plan", "dosing validate", "dosing pk",
        "sessions start", "sessions log", "sessions show", "sessions verify",
        "sessions export", "analytics meta"}) {
    CliRun help = Kipctl(absl::StrCat(command, " --help"));
    EXPECT_EQ(help.exit_status, 0) << command;
    EXPECT_NE(help.out.find(absl::StrCat("kipctl ", command)),
              std::string::npos)
        << help.out;
  }
  EXPECT_EQ(Kipctl("nonsense thing").exit_status, 2);
}

}  // namespace
}  // namespace kip
