// kill -9 under load: clients append batches to a real sessions_server while
// it is killed with SIGKILL at random moments, five times over. After each
// restart every acknowledged event is there, every batch is all or nothing,
// every chain verifies and the log still signs checkpoints.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "services/common/testing/test_pki.h"
#include "services/common/token_signer.h"
#include "services/sessions/store/row_codec.h"
#include "tests/integration/server_process.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace v1 = kip::sessions::v1;
using ::kip::sessions::testing::MakePatient;
using ::kip::sessions::testing::MakeSession;
using ::kip::sessions::testing::MakeStudy;
using ::kip::sessions::testing::NewUuid;
using ::kip::testing::ServerProcess;

constexpr int kRounds = 5;
constexpr int kWriters = 4;
constexpr int kBatchSize = 10;

class SessionsCrashTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    testing::KeyPair keys = testing::NewEcP256KeyPair();
    signer_ = std::make_unique<TokenSigner>(
        *TokenSigner::FromPrivateKeyPem(keys.private_pem));
    args_ = {
        "--auth_public_key=" +
            testing::WriteTempFile("auth.pub", keys.public_pem),
        absl::StrCat("--data_dir=", getenv("TEST_TMPDIR"), "/", NewUuid())};
    if (GetParam() == "postgres") {
      auto dsn = testing::FreshPostgresDatabase();
      ASSERT_TRUE(dsn.ok()) << dsn.status();
      args_.push_back("--store=postgres:" + *dsn);
    }
  }

  std::unique_ptr<v1::SessionLogService::Stub> StartServer() {
    auto server = ServerProcess::Start("services/sessions/sessions_server",
                                       args_, "sessions");
    EXPECT_TRUE(server.ok()) << server.status();
    server_ = std::make_unique<ServerProcess>(std::move(*server));
    return v1::SessionLogService::NewStub(grpc::CreateChannel(
        server_->address(), grpc::InsecureChannelCredentials()));
  }

  std::unique_ptr<grpc::ClientContext> Context(
      const std::string& role = "device") {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
    auto token = signer_->Sign({role + "-7", role, "site-a",
                                absl::Now() + absl::Hours(1), std::nullopt});
    context->AddMetadata("authorization", "Bearer " + *token);
    return context;
  }

  std::vector<std::string> Seed(v1::SessionLogService::Stub& stub) {
    v1::CreateStudyRequest study;
    *study.mutable_study() = MakeStudy("S1");
    v1::CreateStudyResponse created;
    auto token = signer_->Sign({"dr-1", "clinician", "site-a",
                                absl::Now() + absl::Hours(1), std::nullopt});
    auto as_clinician = [&] {
      auto c = std::make_unique<grpc::ClientContext>();
      c->AddMetadata("authorization", "Bearer " + *token);
      return c;
    };
    EXPECT_TRUE(stub.CreateStudy(as_clinician().get(), study, &created).ok());
    v1::EnrollPatientRequest patient;
    *patient.mutable_patient() = MakePatient("S1", "P1");
    v1::EnrollPatientResponse enrolled;
    EXPECT_TRUE(
        stub.EnrollPatient(as_clinician().get(), patient, &enrolled).ok());
    std::vector<std::string> sessions;
    for (int i = 0; i < kWriters; ++i) {
      v1::StartSessionRequest start;
      *start.mutable_session() = MakeSession("S1", "P1");
      v1::StartSessionResponse started;
      EXPECT_TRUE(stub.StartSession(Context().get(), start, &started).ok());
      sessions.push_back(started.session().session_id());
    }
    return sessions;
  }

  std::unique_ptr<TokenSigner> signer_;
  std::vector<std::string> args_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_P(SessionsCrashTest, AcknowledgedEventsSurviveSigkillAndBatchesStayWhole) {
  auto stub = StartServer();
  const std::vector<std::string> sessions = Seed(*stub);
  std::mt19937 rng(std::random_device{}());
  absl::Mutex mu;
  std::set<std::string> acknowledged;  // event ids
  int total_acked_batches = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        for (int n = 0; !stop; ++n) {
          v1::AppendEventsRequest request;
          for (int i = 0; i < kBatchSize; ++i) {
            v1::Event* event = request.add_events();
            event->set_event_id(NewUuid());
            event->set_session_id(sessions[w]);
            *event->mutable_device_time() = sessions::ToTimestamp(absl::Now());
            event->mutable_note()->set_text(
                absl::StrCat("batch ", round, "-", w, "-", n, "/", i));
          }
          v1::AppendEventsResponse response;
          if (!stub->AppendEvents(Context().get(), request, &response).ok()) {
            return;  // the server is gone; this batch was not acknowledged
          }
          absl::MutexLock lock(&mu);
          ++total_acked_batches;
          for (const auto& e : request.events())
            acknowledged.insert(e.event_id());
        }
      });
    }
    absl::SleepFor(
        absl::Milliseconds(std::uniform_int_distribution<>(300, 900)(rng)));
    server_->SignalAndWait(SIGKILL, absl::Seconds(10));
    stop = true;
    for (std::thread& t : writers) t.join();

    stub = StartServer();
    std::map<std::string, int> batch_counts;
    std::set<std::string> present;
    for (const std::string& session_id : sessions) {
      v1::GetSessionRequest get;
      get.set_session_id(session_id);
      v1::GetSessionResponse session;
      grpc::Status read =
          stub->GetSession(Context("clinician").get(), get, &session);
      ASSERT_TRUE(read.ok()) << read.error_message();
      for (const v1::Event& event : session.events()) {
        present.insert(event.event_id());
        std::pair<std::string, std::string> tag =
            absl::StrSplit(event.note().text(), '/');
        ++batch_counts[tag.first];
      }
      v1::VerifySessionRequest verify;
      verify.set_session_id(session_id);
      v1::VerifySessionResponse verified;
      ASSERT_TRUE(
          stub->VerifySession(Context("researcher").get(), verify, &verified)
              .ok());
      EXPECT_TRUE(verified.ok())
          << "round " << round << ": " << verified.problem();
    }
    for (const std::string& id : acknowledged) {
      ASSERT_TRUE(present.count(id))
          << "round " << round << ": acknowledged event " << id
          << " is missing";
    }
    for (const auto& [tag, count] : batch_counts) {
      EXPECT_EQ(count, kBatchSize)
          << "round " << round << ": " << tag << " is half-written";
    }
    v1::GetCheckpointResponse checkpoint;
    grpc::Status signed_ok =
        stub->GetCheckpoint(Context().get(), {}, &checkpoint);
    EXPECT_TRUE(signed_ok.ok()) << signed_ok.error_message();
    EXPECT_EQ(checkpoint.tree_size(), static_cast<int64_t>(present.size()));
  }
  EXPECT_GT(total_acked_batches, kRounds) << "the load never got going";
  std::printf("%s: %d acknowledged batches over %d SIGKILLs, none lost\n",
              GetParam().c_str(), total_acked_batches, kRounds);
}

INSTANTIATE_TEST_SUITE_P(Stores, SessionsCrashTest,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kip
