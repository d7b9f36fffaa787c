// Dosing fails closed when it cannot learn what the patient already received.
// Four pump threads ask ValidateProgram for a running session without pause
// while the sessions service is frozen (SIGSTOP: the connection is up but
// nothing answers, as in a network partition), thawed, SIGKILLed and
// restarted on the same port after 10 s. Every approval carries the 70 mg the
// session had received; every refusal is UNAVAILABLE saying why, arrives within
// the upstream deadline plus a margin, and never says approved.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "tests/integration/running_session.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/free_port.h"

namespace kip {
namespace {

namespace dv1 = kip::dosing::v1;
namespace sv1 = kip::sessions::v1;
using ::kip::testing::ServerProcess;

constexpr absl::Duration kUpstreamDeadline = absl::Seconds(1);
// Scheduling slack on a loaded 2-core machine (and under ASan).
constexpr absl::Duration kRefusalMargin = absl::Seconds(3);
constexpr int kPumps = 4;
constexpr absl::Duration kOutage = absl::Seconds(10);

// kChanging spans each signal: a call is held to its phase's rule only if
// that phase held from its start to its answer.
enum class Phase { kChanging, kHealthy, kFrozen, kThawed, kKilled, kRestarted };

struct Outcome {
  Phase phase;  // kChanging unless one phase held for the whole call
  grpc::Status status;
  bool approved = false;
  double already_received_mg = 0;
  absl::Duration latency;
  absl::Time answered;
};

class DosingPartitionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sessions_address_ =
        absl::StrCat("127.0.0.1:", ::kip::testing::FreeLoopbackPort());
    const std::string key_arg = auth_.PublicKeyFlag();
    sessions_args_ = {
        key_arg, "--listen=" + sessions_address_, "--call_log=false",
        absl::StrCat("--data_dir=", getenv("TEST_TMPDIR"), "/log")};
    StartSessions("sessions");
    auto dosing = ServerProcess::Start(
        "services/dosing/dosing_server",
        {key_arg, "--sessions_address=" + sessions_address_,
         absl::StrCat("--sessions_deadline=",
                      absl::ToInt64Seconds(kUpstreamDeadline), "s"),
         "--call_log=false"},
        "dosing");
    ASSERT_TRUE(dosing.ok()) << dosing.status();
    dosing_ = std::make_unique<ServerProcess>(std::move(*dosing));
  }

  void StartSessions(const std::string& name) {
    auto sessions = ServerProcess::Start("services/sessions/sessions_server",
                                         sessions_args_, name);
    ASSERT_TRUE(sessions.ok()) << sessions.status();
    sessions_ = std::make_unique<ServerProcess>(std::move(*sessions));
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& role) {
    return auth_.Context(role, absl::Seconds(20));
  }

  const ::kip::testing::TestAuth auth_;
  std::string sessions_address_;
  std::vector<std::string> sessions_args_;
  std::unique_ptr<ServerProcess> sessions_, dosing_;
};

TEST_F(DosingPartitionTest, NoApprovalWithoutTheDoseAlreadyReceived) {
  auto sessions_stub = sv1::SessionLogService::NewStub(grpc::CreateChannel(
      sessions_address_, grpc::InsecureChannelCredentials()));
  auto session_id = ::kip::testing::StartSessionWith70MgReceived(
      *sessions_stub, [this](const std::string& role) { return As(role); });
  ASSERT_TRUE(session_id.ok()) << session_id.status();

  dv1::ValidateProgramRequest program;
  program.set_protocol_id("bosma-2018");
  program.mutable_patient()->set_weight_kg(70);
  program.set_concentration_mg_per_ml(1);
  program.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
  program.mutable_program()->set_rate_mg_per_h(70);
  program.mutable_program()->set_duration_min(60);
  program.set_session_id(*session_id);

  std::atomic<Phase> phase{Phase::kHealthy};
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  std::vector<Outcome> outcomes;
  std::vector<std::thread> pumps;
  for (int p = 0; p < kPumps; ++p) {
    pumps.emplace_back([&] {
      auto stub = dv1::DosingService::NewStub(grpc::CreateChannel(
          dosing_->address(), grpc::InsecureChannelCredentials()));
      while (!stop) {
        Outcome outcome;
        const Phase at_start = phase;
        dv1::ValidateProgramResponse response;
        const absl::Time sent = absl::Now();
        outcome.status =
            stub->ValidateProgram(As("device").get(), program, &response);
        outcome.answered = absl::Now();
        outcome.latency = outcome.answered - sent;
        outcome.phase = phase == at_start ? at_start : Phase::kChanging;
        outcome.approved = response.approved();
        outcome.already_received_mg = response.already_received().session_mg();
        absl::MutexLock lock(&mu);
        outcomes.push_back(std::move(outcome));
      }
    });
  }
  // Waits for `count` calls of phase `in` (only approvals if `approved`).
  auto wait_for = [&](Phase in, int count, bool approved) {
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (absl::Now() < give_up) {
      {
        absl::MutexLock lock(&mu);
        int seen = 0;
        for (const Outcome& o : outcomes) {
          seen += o.phase == in && (!approved || o.status.ok());
        }
        if (seen >= count) return true;
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  };
  auto change = [&](Phase to, int signal) {
    phase = Phase::kChanging;
    const bool sent = kill(sessions_->pid(), signal) == 0;
    phase = to;
    return sent;
  };

  EXPECT_TRUE(wait_for(Phase::kHealthy, 40, true));
  ASSERT_TRUE(change(Phase::kFrozen, SIGSTOP));
  EXPECT_TRUE(wait_for(Phase::kFrozen, 12, false));
  ASSERT_TRUE(change(Phase::kThawed, SIGCONT));
  EXPECT_TRUE(wait_for(Phase::kThawed, 20, true)) << "no approvals after thaw";
  phase = Phase::kChanging;
  ASSERT_TRUE(sessions_->SignalAndWait(SIGKILL, absl::Seconds(10)).has_value());
  phase = Phase::kKilled;
  const absl::Time killed = absl::Now();
  EXPECT_TRUE(wait_for(Phase::kKilled, 40, false));
  // An outage as long as a pod's reschedule, so that gRPC's default backoff
  // would have grown past several seconds.
  absl::SleepFor(killed + kOutage - absl::Now());
  phase = Phase::kChanging;
  sessions_.reset();
  StartSessions("sessions-again");
  const absl::Time restarted = absl::Now();
  phase = Phase::kRestarted;
  EXPECT_TRUE(wait_for(Phase::kRestarted, 20, true))
      << "no approvals after the restart";
  stop = true;
  for (std::thread& t : pumps) t.join();

  int approved = 0;
  std::map<Phase, int> refused;
  for (const Outcome& o : outcomes) {
    if (o.status.ok()) {
      // The invariant: an answer at all means the dose was known.
      EXPECT_NEAR(o.already_received_mg, 70, 1);
      EXPECT_TRUE(o.approved);
      approved += o.approved;
      continue;
    }
    ++refused[o.phase];
    EXPECT_EQ(o.status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << o.status.error_message();
    EXPECT_NE(o.status.error_message().find("refusing to approve"),
              std::string::npos)
        << o.status.error_message();
    EXPECT_FALSE(o.approved);
    EXPECT_LT(o.latency, kUpstreamDeadline + kRefusalMargin);
  }
  std::printf(
      "%zu calls: %d approved with the dose known; refused while "
      "frozen %d, thawed %d, killed %d, restarted %d\n",
      outcomes.size(), approved, refused[Phase::kFrozen],
      refused[Phase::kThawed], refused[Phase::kKilled],
      refused[Phase::kRestarted]);
  // A restarted sessions service is found again quickly (the channel's
  // reconnect backoff is capped at 1 s).
  absl::Time first_approval_after_restart = absl::InfiniteFuture();
  for (const Outcome& o : outcomes) {
    if (o.phase == Phase::kRestarted && o.status.ok()) {
      first_approval_after_restart =
          std::min(first_approval_after_restart, o.answered);
    }
  }
  const absl::Duration back_after = first_approval_after_restart - restarted;
  std::printf("approvals resumed %s after sessions was listening again\n",
              absl::FormatDuration(back_after).c_str());
  EXPECT_LT(back_after, absl::Seconds(3));
  // Frozen or dead, nothing is approved; healthy, nothing is refused.
  for (const Outcome& o : outcomes) {
    if (o.phase == Phase::kHealthy) {
      EXPECT_TRUE(o.status.ok());
    }
    if (o.phase == Phase::kFrozen || o.phase == Phase::kKilled) {
      EXPECT_FALSE(o.status.ok()) << "answered while sessions was down";
    }
  }
}

}  // namespace
}  // namespace kip
