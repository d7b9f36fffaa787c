// pump_sim (what `./kip demo` runs) against real dosing, sessions and
// analytics servers: the trial is logged through the offline-first outbox
// (its first third with the network down), every session arrives and
// verifies, the outcome is pooled with the published meta-analysis into a
// forest plot, and a second run with the same seed logs nothing twice.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/fhir_validation.h"

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;
using ::kip::testing::ServerProcess;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(PumpSimTest, RunsATrialThroughTheOutboxAndPoolsIt) {
  const testing::TestAuth auth("site-demo");
  const std::string dir = getenv("TEST_TMPDIR");
  const std::string key = auth.PublicKeyFlag();
  auto sessions = ServerProcess::Start("services/sessions/sessions_server",
                                       {key, "--data_dir=" + dir + "/sessions"},
                                       "sessions");
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  const std::string upstream = "--sessions_address=" + sessions->address();
  auto dosing = ServerProcess::Start("services/dosing/dosing_server",
                                     {key, upstream}, "dosing");
  ASSERT_TRUE(dosing.ok()) << dosing.status();
  auto analytics = ServerProcess::Start("services/analytics/analytics_server",
                                        {key, upstream}, "analytics");
  ASSERT_TRUE(analytics.ok()) << analytics.status();

  auto run = [&](const std::string& name) {
    const std::string out = absl::StrCat(dir, "/", name, ".out");
    const std::string command = absl::StrCat(
        "sdk/examples/pump_sim/pump_sim --patients=6 --seed=7 --site=site-demo",
        " --dosing=", dosing->address(), " --sessions=", sessions->address(),
        " --analytics=", analytics->address(),
        " --clinician_token=", auth.Token("clinician"),
        " --device_token=", auth.Token("device"),
        " --researcher_token=", auth.Token("researcher"),
        " --pharmacy_token=", auth.Token("pharmacy"),
        " --admin_token=", auth.Token("admin"),
        " --investigator_token=", auth.Token("clinician"), " --out_dir=", dir,
        "/demo > ", out, " 2>&1");
    const int status = std::system(command.c_str());
    return std::make_pair(WEXITSTATUS(status), ReadAll(out));
  };
  auto count_sessions = [&] {
    auto stub = sv1::SessionLogService::NewStub(grpc::CreateChannel(
        sessions->address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + auth.Token("clinician"));
    sv1::ListSessionsRequest list;
    list.set_study_id("RCT-7");
    list.set_page_size(1000);
    sv1::ListSessionsResponse listed;
    EXPECT_TRUE(stub->ListSessions(&context, list, &listed).ok());
    for (const auto& session : listed.sessions()) {
      grpc::ClientContext verify_context;
      verify_context.AddMetadata("authorization",
                                 "Bearer " + auth.Token("clinician"));
      sv1::VerifySessionRequest verify;
      verify.set_session_id(session.session_id());
      sv1::VerifySessionResponse verified;
      EXPECT_TRUE(stub->VerifySession(&verify_context, verify, &verified).ok());
      EXPECT_TRUE(verified.ok()) << verified.problem();
    }
    return listed.sessions_size();
  };

  const auto [status, text] = run("first");
  ASSERT_EQ(status, 0) << text;
  EXPECT_NE(text.find("network back after 2 patients"), std::string::npos)
      << text;
  EXPECT_NE(text.find("0 refused"), std::string::npos) << text;
  EXPECT_NE(text.find("pooled (random effects"), std::string::npos) << text;
  EXPECT_NE(text.find("clinician sees no arm (blinded)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("researcher sees group 'blinded': "), std::string::npos)
      << text;
  EXPECT_NE(text.find("trial log: 6 entries, verified"), std::string::npos)
      << text;
  EXPECT_NE(text.find("unblinded by an admin"), std::string::npos) << text;
  EXPECT_NE(text.find("safety: 1 serious adverse event(s)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("INITIAL_TO_SPONSOR, PENDING"), std::string::npos)
      << text;
  EXPECT_NE(text.find("first session's signature: VALID"), std::string::npos)
      << text;
  EXPECT_NE(text.find("RCT-7.odm.xml"), std::string::npos) << text;
  EXPECT_NE(text.find("HL7 FHIR R4 bundle: "), std::string::npos) << text;
  const absl::Status fhir_valid =
      testing::ValidateFhirFiles({dir + "/demo/RCT-7.fhir.json"});
  EXPECT_TRUE(fhir_valid.ok()) << fhir_valid;
  EXPECT_NE(text.find("deviations: "), std::string::npos) << text;
  EXPECT_NE(text.find("RCT-7"), std::string::npos) << text;
  EXPECT_EQ(count_sessions(), 6 * 5);  // bosma-2018: 5 daily sessions
  const std::string svg = ReadAll(dir + "/demo/forest.svg");
  EXPECT_NE(svg.find("<svg xmlns"), std::string::npos) << svg.substr(0, 80);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("Published meta-analysis"), std::string::npos);
  EXPECT_NE(svg.find("RCT-7"), std::string::npos);

  const auto [again, again_text] = run("second");
  ASSERT_EQ(again, 0) << again_text;
  EXPECT_NE(again_text.find("already logged"), std::string::npos) << again_text;
  EXPECT_EQ(count_sessions(), 6 * 5);
}

}  // namespace
}  // namespace kip
