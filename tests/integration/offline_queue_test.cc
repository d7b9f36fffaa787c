// The bedside loses the network: the sessions service is down while a device
// logs 1,000 events through the SDK's SessionLogger; the device process is
// killed (SIGKILL) and restarted; the service comes back (on a new port). Every
// event arrives exactly once, in the order it was logged (checked on the
// server).
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "tests/integration/running_session.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/sdk_binary.h"
#include "tests/testing/session_records.h"

extern char** environ;

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;
using ::kip::testing::ServerProcess;

constexpr int kEvents = 1000;
constexpr char kHelper[] = "sdk/cpp/testing/outbox_logger";

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(OfflineQueueTest, EveryEventArrivesOnceInOrderAfterAnOutageAndAKill) {
  const testing::TestAuth auth;
  const std::string dir = getenv("TEST_TMPDIR");
  const std::vector<std::string> args = {
      auth.PublicKeyFlag(), "--data_dir=" + dir + "/sessions-data"};
  // The study and patient exist; then the service goes down.
  std::string down_address;
  {
    auto server = ServerProcess::Start("services/sessions/sessions_server",
                                       args, "sessions");
    ASSERT_TRUE(server.ok()) << server.status();
    down_address = server->address();
    auto stub = sv1::SessionLogService::NewStub(
        grpc::CreateChannel(down_address, grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(testing::CreateStudyS1WithPatientP1(*stub, auth.AsRole()).ok());
    ASSERT_EQ(server->SignalAndWait(SIGTERM, absl::Seconds(20)), 0);
  }
  // Encrypted at rest, as on a device (the key would come from its keystore).
  const std::string outbox = dir + "/outbox.db";
  const std::string key_hex(64, 'c');
  const std::string session_id = sessions::testing::NewUuid();
  // The device logs everything while the service is down, then is killed.
  {
    const std::string out = dir + "/logger.out";
    std::printf("outbox_logger: %s\n", testing::SdkBuildDescription().c_str());
    std::vector<std::string> argv = testing::SdkCommand(kHelper);
    argv.insert(
        argv.end(),
        {"--mode=log", "--outbox=" + outbox, "--target=" + down_address,
         "--token=" + auth.Token("device"), "--session_id=" + session_id,
         "--outbox_key_hex=" + key_hex, absl::StrCat("--events=", kEvents)});
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ),
              0);
    posix_spawn_file_actions_destroy(&actions);
    const absl::Time deadline = absl::Now() + absl::Seconds(120);
    std::string text;
    while (text.find("logged") == std::string::npos && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(50));
      std::ifstream in(out);
      text.assign(std::istreambuf_iterator<char>(in), {});
    }
    ASSERT_NE(text.find(absl::StrCat("logged ", kEvents)), std::string::npos)
        << text;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  // What a finder of the lost device reads: no session id in the clear.
  const std::string outbox_bytes =
      FileBytes(outbox) + FileBytes(outbox + "-wal");
  ASSERT_GT(outbox_bytes.size(), 4096u);
  EXPECT_EQ(outbox_bytes.find(session_id), std::string::npos);
  // The service comes back; a restarted device delivers the outbox.
  auto server = ServerProcess::Start("services/sessions/sessions_server", args,
                                     "sessions");
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string flush = absl::StrCat(
      testing::SdkShellCommand(kHelper), " --mode=flush --outbox=", outbox,
      " --target=", server->address(), " --token=", auth.Token("device"));
  // A wrong key opens nothing and delivers nothing; the right one, all.
  const std::string wrong_key = flush +
                                " --outbox_key_hex=" + std::string(64, 'd') +
                                " 2>" + dir + "/wrong_key.err";
  ASSERT_EQ(WEXITSTATUS(std::system(wrong_key.c_str())), 2);
  EXPECT_NE(FileBytes(dir + "/wrong_key.err").find("this key does not open it"),
            std::string::npos);
  ASSERT_EQ(WEXITSTATUS(
                std::system((flush + " --outbox_key_hex=" + key_hex).c_str())),
            0);

  auto stub = sv1::SessionLogService::NewStub(grpc::CreateChannel(
      server->address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + auth.Token("clinician"));
  sv1::GetSessionRequest get;
  get.set_session_id(session_id);
  sv1::GetSessionResponse session;
  ASSERT_TRUE(stub->GetSession(&context, get, &session).ok());
  ASSERT_EQ(session.events_size(), kEvents);
  std::set<std::string> ids;
  for (int i = 0; i < kEvents; ++i) {
    EXPECT_EQ(session.events(i).note().text(), std::to_string(i))
        << "at sequence " << i + 1;
    ids.insert(session.events(i).event_id());
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kEvents));
  for (const std::string& id : ids) {
    ASSERT_EQ(outbox_bytes.find(id), std::string::npos)
        << "event " << id << " was in the outbox file in the clear";
  }
}

}  // namespace
}  // namespace kip
