// The C ABI from a C99 program against real dosing and sessions servers:
// plan a course, a refused request with its field named, and events logged
// through the offline-first logger - checked on the server.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "tests/integration/running_session.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/sdk_binary.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;
using ::kip::testing::ServerProcess;

TEST(CAbiTest, ACProgramPlansACourseAndLogsEvents) {
  const testing::TestAuth auth;
  const std::string dir = getenv("TEST_TMPDIR");
  const std::string key = auth.PublicKeyFlag();
  auto sessions = ServerProcess::Start("services/sessions/sessions_server",
                                       {key, "--data_dir=" + dir + "/sessions"},
                                       "sessions");
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  auto dosing = ServerProcess::Start(
      "services/dosing/dosing_server",
      {key, "--sessions_address=" + sessions->address()}, "dosing");
  ASSERT_TRUE(dosing.ok()) << dosing.status();
  auto stub = sv1::SessionLogService::NewStub(grpc::CreateChannel(
      sessions->address(), grpc::InsecureChannelCredentials()));
  ASSERT_TRUE(testing::CreateStudyS1WithPatientP1(*stub, auth.AsRole()).ok());
  const std::string session_id = sessions::testing::NewUuid();
  std::printf("kip_c_example: %s\n", testing::SdkBuildDescription().c_str());
  const std::string command = absl::StrCat(
      testing::SdkShellCommand("sdk/c/kip_c_example"), " ", dosing->address(),
      " ", sessions->address(), " ", auth.Token("device"), " ", dir,
      "/c-outbox.db ", session_id, " S1 P1 > ", dir, "/c.out 2>&1");
  const int status = std::system(command.c_str());
  std::ifstream out(dir + "/c.out");
  const std::string text((std::istreambuf_iterator<char>(out)), {});
  ASSERT_EQ(WEXITSTATUS(status), 0) << text;
  EXPECT_NE(text.find("PlanCourse:"), std::string::npos) << text;

  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + auth.Token("clinician"));
  sv1::GetSessionRequest get;
  get.set_session_id(session_id);
  sv1::GetSessionResponse session;
  ASSERT_TRUE(stub->GetSession(&context, get, &session).ok());
  ASSERT_EQ(session.events_size(), 3);
  EXPECT_EQ(session.events(2).note().text(), "from C 2");
  EXPECT_EQ(session.session().device_id(), "c-pump-1");
}

// The calls of the README's Swift sketch (sdk/swift/KipSketch.swift), made by
// its C twin against real servers.
TEST(CAbiTest, TheSwiftSketchsCallsPlanAndDeliverAnEvent) {
  const testing::TestAuth auth;
  const std::string dir = getenv("TEST_TMPDIR");
  const std::string key = auth.PublicKeyFlag();
  auto sessions = ServerProcess::Start(
      "services/sessions/sessions_server",
      {key, "--data_dir=" + dir + "/sketch-sessions"}, "sketch-sessions");
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  auto dosing = ServerProcess::Start(
      "services/dosing/dosing_server",
      {key, "--sessions_address=" + sessions->address()}, "sketch-dosing");
  ASSERT_TRUE(dosing.ok()) << dosing.status();
  auto stub = sv1::SessionLogService::NewStub(grpc::CreateChannel(
      sessions->address(), grpc::InsecureChannelCredentials()));
  ASSERT_TRUE(testing::CreateStudyS1WithPatientP1(*stub, auth.AsRole()).ok());
  absl::StatusOr<std::string> session_id =
      testing::StartSessionOfP1(*stub, auth.AsRole());
  ASSERT_TRUE(session_id.ok()) << session_id.status();
  std::printf("swift_sketch_calls: %s\n",
              testing::SdkBuildDescription().c_str());
  const std::string command =
      absl::StrCat(testing::SdkShellCommand("sdk/swift/swift_sketch_calls"),
                   " ", dosing->address(), " ", sessions->address(), " ",
                   auth.Token("device"), " ", dir, "/sketch-outbox.db ",
                   *session_id, " > ", dir, "/sketch.out 2>&1");
  const int status = std::system(command.c_str());
  std::ifstream out(dir + "/sketch.out");
  const std::string text((std::istreambuf_iterator<char>(out)), {});
  ASSERT_EQ(WEXITSTATUS(status), 0) << text;
  EXPECT_NE(text.find("sketch: ok"), std::string::npos) << text;

  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + auth.Token("clinician"));
  sv1::GetSessionRequest get;
  get.set_session_id(*session_id);
  sv1::GetSessionResponse session;
  ASSERT_TRUE(stub->GetSession(&context, get, &session).ok());
  ASSERT_EQ(session.events_size(), 1);
  EXPECT_EQ(session.events(0).note().text(), "from the Swift sketch");
}

}  // namespace
}  // namespace kip
