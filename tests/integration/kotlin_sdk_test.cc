// The Kotlin SDK on the JVM against real servers: the Kotlin program
// (sdk/kotlin/test/KipSdkTest.kt, through libkip_jni.so and the C ABI) plans a
// course, validates rates, checks errors as exceptions and as results on its
// own executor, runs a meta-analysis, and logs a session offline into an
// encrypted outbox. This driver takes the sessions service down before and
// brings it back on the same address mid-run, then checks that every event
// arrived once, in order, and that the outbox never held an id in the clear.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "tests/integration/running_session.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/session_records.h"

extern char** environ;

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;
using ::kip::testing::ServerProcess;

// Debian's jars (libprotobuf-java, kotlin) beside the two Bazel built.
constexpr char kClasspath[] =
    "sdk/kotlin/kip-sdk-test.jar:sdk/kotlin/kip-sdk.jar:"
    "sdk/kotlin/kip-protos.jar:/usr/share/java/protobuf.jar:"
    "/usr/share/java/kotlin-stdlib.jar";

std::string FileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool WaitForFile(const std::string& path, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (access(path.c_str(), F_OK) != 0) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return true;
}

pid_t SpawnJvm(std::vector<std::string> args, const std::string& log) {
  std::vector<std::string> argv = {
      "/usr/bin/java", "-Xss2m",   "-Djava.library.path=sdk/kotlin",
      "-cp",           kClasspath, "kip.sdk.test.KipSdkTestKt"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (std::string& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  if (posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ) != 0)
    pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

TEST(KotlinSdkTest, PlansValidatesAndLogsOfflineThenDeliversOnce) {
  const testing::TestAuth auth;
  const std::string dir = getenv("TEST_TMPDIR");
  const std::vector<std::string> sessions_args = {
      auth.PublicKeyFlag(), "--data_dir=" + dir + "/sessions-data"};
  std::string sessions_address;
  int sessions_port = 0;
  {
    auto sessions = ServerProcess::Start("services/sessions/sessions_server",
                                         sessions_args, "sessions");
    ASSERT_TRUE(sessions.ok()) << sessions.status();
    sessions_address = sessions->address();
    sessions_port = sessions->port();
    auto stub = sv1::SessionLogService::NewStub(grpc::CreateChannel(
        sessions_address, grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(testing::CreateStudyS1WithPatientP1(*stub, auth.AsRole()).ok());
    ASSERT_EQ(sessions->SignalAndWait(SIGTERM, absl::Seconds(20)), 0);
  }
  auto dosing = ServerProcess::Start(
      "services/dosing/dosing_server",
      {auth.PublicKeyFlag(), "--sessions_address=" + sessions_address},
      "dosing");
  ASSERT_TRUE(dosing.ok()) << dosing.status();
  auto analytics = ServerProcess::Start("services/analytics/analytics_server",
                                        {auth.PublicKeyFlag()}, "analytics");
  ASSERT_TRUE(analytics.ok()) << analytics.status();

  const std::string outbox = dir + "/kotlin-outbox.db";
  const std::string session_id = sessions::testing::NewUuid();
  const std::string log = dir + "/jvm.log";
  const pid_t jvm = SpawnJvm(
      {dosing->address(), analytics->address(), auth.Token("researcher"),
       sessions_address, auth.Token("device"), outbox, session_id, dir},
      log);
  ASSERT_GT(jvm, 0);
  // The tablet has logged everything with the service down: bring it back.
  ASSERT_TRUE(WaitForFile(dir + "/offline.done", absl::Seconds(120)))
      << FileText(log);
  const std::string outbox_bytes = FileText(outbox) + FileText(outbox + "-wal");
  std::vector<std::string> args = sessions_args;
  args.push_back(absl::StrCat("--listen=127.0.0.1:", sessions_port));
  auto sessions = ServerProcess::Start("services/sessions/sessions_server",
                                       args, "sessions-again");
  ASSERT_TRUE(sessions.ok()) << sessions.status();
  ASSERT_EQ(sessions->port(), sessions_port);
  std::ofstream(dir + "/network.up") << "up\n";
  int status = 0;
  ASSERT_EQ(waitpid(jvm, &status, 0), jvm);
  const std::string jvm_output = FileText(log);
  std::printf("%s", jvm_output.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << jvm_output;
  EXPECT_NE(jvm_output.find("KOTLIN SDK OK"), std::string::npos);

  auto stub = sv1::SessionLogService::NewStub(grpc::CreateChannel(
      sessions->address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + auth.Token("clinician"));
  sv1::GetSessionRequest get;
  get.set_session_id(session_id);
  sv1::GetSessionResponse session;
  ASSERT_TRUE(stub->GetSession(&context, get, &session).ok());
  const std::vector<std::string> ids =
      absl::StrSplit(FileText(dir + "/ids.txt"), '\n');
  ASSERT_EQ(ids.size(), 20u);
  ASSERT_EQ(session.events_size(), 20) << "each event arrives once";
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(session.events(i).event_id(), ids[i]) << "in order, at " << i;
    EXPECT_EQ(session.events(i).note().text(), absl::StrCat("from Kotlin ", i));
    EXPECT_EQ(outbox_bytes.find(ids[i]), std::string::npos)
        << ids[i] << " was in the outbox in the clear";
  }
  EXPECT_EQ(session.session().device_id(), "kotlin-tablet-1");
  EXPECT_EQ(outbox_bytes.find(session_id), std::string::npos);
}

}  // namespace
}  // namespace kip
