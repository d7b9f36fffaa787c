// The bedside keeps logging while the log service dies: three pumps log as
// fast as they can through the SDK's offline-first SessionLogger while the
// sessions server is SIGKILLed and restarted 20 times on the same port. Every
// event a pump logged (Log() returned OK) arrives exactly once and in order,
// every chain verifies, and every outbox drains.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "sdk/cpp/clients.h"
#include "sdk/cpp/session_logger.h"
#include "tests/integration/running_session.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/free_port.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;
using testing::ServerProcess;

constexpr int kPumps = 3;
constexpr int kRestarts = 20;
constexpr int kMaxEventsPerPump = 50000;  // a bound, not expected to be hit

TEST(SessionsKillTest, PumpsLoseNothingThroughTwentySigkills) {
  const ::kip::testing::TestAuth auth;
  const std::string dir = getenv("TEST_TMPDIR");
  const int port = ::kip::testing::FreeLoopbackPort();
  const std::string address = absl::StrCat("127.0.0.1:", port);
  const std::vector<std::string> args = {
      auth.PublicKeyFlag(), "--listen=" + address, "--call_log=false",
      "--data_dir=" + dir + "/log"};
  auto started = ServerProcess::Start("services/sessions/sessions_server", args,
                                      "sessions");
  ASSERT_TRUE(started.ok()) << started.status();
  auto server = std::make_unique<ServerProcess>(std::move(*started));

  auto stub = sv1::SessionLogService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  auto as = [&](const std::string& role) { return auth.Context(role); };
  const ::kip::testing::ContextForRole as_role = auth.AsRole();
  ASSERT_TRUE(::kip::testing::CreateStudyS1WithPatientP1(*stub, as_role).ok());

  // The pumps.
  std::vector<std::unique_ptr<SessionLogger>> loggers;
  std::vector<std::string> session_ids;
  for (int p = 0; p < kPumps; ++p) {
    SessionLoggerOptions options;
    options.outbox_path = absl::StrCat(dir, "/pump-", p, ".db");
    options.initial_backoff = absl::Milliseconds(20);
    options.max_backoff = absl::Milliseconds(200);
    ConnectionOptions connection;
    connection.target = address;
    connection.bearer_token = auth.Token("device");
    connection.default_deadline = absl::Seconds(5);
    auto logger =
        SessionLogger::Create(options, MakeSessionLogConnection(connection));
    ASSERT_TRUE(logger.ok()) << logger.status();
    auto id = (*logger)->Start(
        sessions::testing::MakeSession("S1", "P1", absl::StrCat("course-", p)));
    ASSERT_TRUE(id.ok()) << id.status();
    session_ids.push_back(*id);
    loggers.push_back(std::move(*logger));
  }
  std::atomic<bool> stop{false};
  std::vector<int> logged(kPumps, 0);
  std::vector<std::thread> pumps;
  for (int p = 0; p < kPumps; ++p) {
    pumps.emplace_back([&, p] {
      while (!stop && logged[p] < kMaxEventsPerPump) {
        sv1::Event event;
        event.set_session_id(session_ids[p]);
        event.mutable_note()->set_text(std::to_string(logged[p]));
        *event.mutable_device_time() =
            sessions::testing::PainEvent(session_ids[p], 1).device_time();
        if (!loggers[p]->Log(event).ok()) break;
        ++logged[p];
      }
    });
  }

  // The killer: SIGKILL and restart, 20 times, at random moments.
  std::mt19937 rng(20261121);
  for (int k = 0; k < kRestarts; ++k) {
    absl::SleepFor(
        absl::Milliseconds(std::uniform_int_distribution<int>(100, 350)(rng)));
    ASSERT_TRUE(server->SignalAndWait(SIGKILL, absl::Seconds(10)).has_value());
    server.reset();
    auto again = ServerProcess::Start("services/sessions/sessions_server", args,
                                      absl::StrCat("sessions-", k));
    ASSERT_TRUE(again.ok()) << "restart " << k << ": " << again.status();
    server = std::make_unique<ServerProcess>(std::move(*again));
    for (auto& logger : loggers) logger->NetworkUp();
  }
  stop = true;
  for (std::thread& t : pumps) t.join();

  for (int p = 0; p < kPumps; ++p) {
    const absl::Status flushed =
        loggers[p]->Flush(absl::Now() + absl::Seconds(120));
    ASSERT_TRUE(flushed.ok()) << "pump " << p << ": " << flushed;
    EXPECT_EQ(loggers[p]->PendingCount(), 0);
    EXPECT_EQ(loggers[p]->RejectedCount(), 0);
  }
  // Every event, read back as one stream: GetSession answers in a single
  // message of at most 4 MiB, which a pump that logged ~10,000 events fills.
  std::map<std::string, std::vector<std::string>> notes;  // session -> texts
  {
    auto context = as("admin");
    // The checking channel saw the server die 20 times: wait for it to be
    // ready rather than fail fast on a stale connection state.
    context->set_wait_for_ready(true);
    sv1::StreamEventsRequest request;
    request.set_study_id("S1");
    auto reader = stub->StreamEvents(context.get(), request);
    sv1::StreamEventsResponse message;
    while (reader->Read(&message))
      notes[message.event().session_id()].push_back(
          message.event().note().text());
    const grpc::Status finished = reader->Finish();
    ASSERT_TRUE(finished.ok())
        << finished.error_code() << " " << finished.error_message();
  }
  int64_t total = 0;
  for (int p = 0; p < kPumps; ++p) {
    const std::vector<std::string>& texts = notes[session_ids[p]];
    ASSERT_EQ(static_cast<int>(texts.size()), logged[p]) << "pump " << p;
    for (size_t i = 0; i < texts.size(); ++i) {
      ASSERT_EQ(texts[i], std::to_string(i)) << "pump " << p << " event " << i;
    }
    sv1::VerifySessionRequest verify;
    verify.set_session_id(session_ids[p]);
    sv1::VerifySessionResponse verified;
    ASSERT_TRUE(
        stub->VerifySession(as("clinician").get(), verify, &verified).ok());
    EXPECT_TRUE(verified.ok()) << verified.problem();
    total += logged[p];
  }
  EXPECT_GT(total, 1000) << "the pumps barely logged";
  std::printf(
      "%d pumps logged %ld events through %d SIGKILLs; all arrived "
      "once, in order, chains verify\n",
      kPumps, static_cast<long>(total), kRestarts);
}

}  // namespace
}  // namespace kip
