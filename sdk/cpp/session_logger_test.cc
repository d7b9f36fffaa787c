// SessionLogger against a mocked connection: order, batching, backoff on
// transient errors, refused records kept aside, the bounded outbox, restarts.
#include "sdk/cpp/session_logger.h"

#include <atomic>
#include <set>

#include "gmock/gmock.h"
#include "sdk/cpp/mocks/mock_connections.h"

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;
using ::testing::_;
using ::testing::Invoke;
using ::testing::NiceMock;

std::string TempPath() {
  return ::testing::TempDir() + "/outbox-" + NewUuid() + ".db";
}

sv1::Event Note(const std::string& session, int i) {
  sv1::Event e;
  e.set_session_id(session);
  e.mutable_note()->set_text(std::to_string(i));
  return e;
}

SessionLoggerOptions Options(const std::string& path) {
  SessionLoggerOptions o;
  o.outbox_path = path;
  o.batch_size = 10;
  o.initial_backoff = absl::Milliseconds(5);
  o.max_backoff = absl::Milliseconds(20);
  return o;
}

TEST(SessionLoggerTest, DeliversInOrderInBatchesAfterTransientFailures) {
  auto mock = std::make_shared<NiceMock<MockSessionLogConnection>>();
  absl::Mutex mu;
  std::vector<std::string> delivered;
  int calls = 0;
  EXPECT_CALL(*mock, StartSession(_, _))
      .WillRepeatedly(Invoke([](const auto& r, const auto&) {
        sv1::StartSessionResponse response;
        *response.mutable_session() = r.session();
        return absl::StatusOr<sv1::StartSessionResponse>(response);
      }));
  EXPECT_CALL(*mock, AppendEvents(_, _))
      .WillRepeatedly(Invoke([&](const auto& r, const auto&) {
        absl::MutexLock lock(&mu);
        if (++calls % 3 == 1) {
          return absl::StatusOr<sv1::AppendEventsResponse>(
              absl::UnavailableError("wifi"));
        }
        EXPECT_LE(r.events_size(), 10);
        for (const auto& e : r.events()) delivered.push_back(e.note().text());
        return absl::StatusOr<sv1::AppendEventsResponse>(
            sv1::AppendEventsResponse());
      }));
  auto logger = SessionLogger::Create(Options(TempPath()), mock);
  ASSERT_TRUE(logger.ok()) << logger.status();
  auto session = (*logger)->Start(sv1::InfusionSession());
  ASSERT_TRUE(session.ok());
  for (int i = 0; i < 95; ++i)
    ASSERT_TRUE((*logger)->Log(Note(*session, i)).ok());
  ASSERT_TRUE((*logger)->Flush(absl::Now() + absl::Seconds(30)).ok());
  absl::MutexLock lock(&mu);
  ASSERT_EQ(delivered.size(), 95u);
  for (int i = 0; i < 95; ++i) EXPECT_EQ(delivered[i], std::to_string(i));
  EXPECT_EQ((*logger)->PendingCount(), 0);
}

TEST(SessionLoggerTest, NetworkUpResetsTheBackoffAndDeliversAtOnce) {
  auto mock = std::make_shared<NiceMock<MockSessionLogConnection>>();
  std::atomic<int> calls{0};
  EXPECT_CALL(*mock, StartSession(_, _))
      .WillRepeatedly(Invoke([&](const auto&, const auto&) {
        // The first attempt meets the dropped network; then it is back.
        if (calls++ == 0) {
          return absl::StatusOr<sv1::StartSessionResponse>(
              absl::UnavailableError("no route to host"));
        }
        return absl::StatusOr<sv1::StartSessionResponse>(
            sv1::StartSessionResponse());
      }));
  EXPECT_CALL(*mock, ResetConnectionBackoff()).Times(1);
  SessionLoggerOptions options = Options(TempPath());
  options.initial_backoff = absl::Minutes(10);  // only NetworkUp() can help
  options.max_backoff = absl::Minutes(10);
  auto logger = SessionLogger::Create(options, mock);
  ASSERT_TRUE(logger.ok()) << logger.status();
  ASSERT_TRUE((*logger)->Start(sv1::InfusionSession()).ok());
  while (calls == 0) absl::SleepFor(absl::Milliseconds(5));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ((*logger)->PendingCount(), 1);  // backing off for minutes
  EXPECT_EQ(calls, 1);
  (*logger)->NetworkUp();
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while ((*logger)->PendingCount() > 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));  // not Flush(): it retries too
  }
  EXPECT_EQ((*logger)->PendingCount(), 0);
  EXPECT_EQ(calls, 2);
}

TEST(NewUuidTest, IsAVersion4UuidAndDoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 100000; ++i) {
    const std::string id = NewUuid();
    ASSERT_EQ(id.size(), 36u);
    ASSERT_EQ(id[14], '4') << id;  // version 4
    ASSERT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    ASSERT_TRUE(seen.insert(id).second) << id;
  }
}

TEST(SessionLoggerTest, ARefusedEventIsKeptAsideNeverDropped) {
  auto mock = std::make_shared<NiceMock<MockSessionLogConnection>>();
  std::vector<std::string> delivered;
  EXPECT_CALL(*mock, AppendEvents(_, _))
      .WillRepeatedly(Invoke([&](const auto& r, const auto&) {
        for (const auto& e : r.events()) {
          if (e.note().text() == "3") {
            return absl::StatusOr<sv1::AppendEventsResponse>(
                absl::InvalidArgumentError("events[0].note.text: bad"));
          }
        }
        for (const auto& e : r.events()) delivered.push_back(e.note().text());
        return absl::StatusOr<sv1::AppendEventsResponse>(
            sv1::AppendEventsResponse());
      }));
  auto logger = SessionLogger::Create(Options(TempPath()), mock);
  std::atomic<int> rejected_reports{0};
  (*logger)->OnDeliveryStateChange([&](const DeliveryStatus& s) {
    if (s.state == DeliveryState::kRejected) ++rejected_reports;
  });
  for (int i = 0; i < 6; ++i) ASSERT_TRUE((*logger)->Log(Note("s", i)).ok());
  ASSERT_TRUE((*logger)->Flush(absl::Now() + absl::Seconds(30)).ok());
  EXPECT_EQ(delivered, (std::vector<std::string>{"0", "1", "2", "4", "5"}));
  EXPECT_EQ((*logger)->RejectedCount(), 1);
  EXPECT_EQ(rejected_reports, 1);
}

TEST(SessionLoggerTest, AFullOutboxRefusesClearlyAndARestartResumes) {
  const std::string path = TempPath();
  auto down = std::make_shared<NiceMock<MockSessionLogConnection>>();
  EXPECT_CALL(*down, AppendEvents(_, _))
      .WillRepeatedly(Invoke([](const auto&, const auto&) {
        return absl::StatusOr<sv1::AppendEventsResponse>(
            absl::UnavailableError("down"));
      }));
  SessionLoggerOptions options = Options(path);
  options.max_pending = 5;
  {
    auto logger = SessionLogger::Create(options, down);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE((*logger)->Log(Note("s", i)).ok());
    auto full = (*logger)->Log(Note("s", 5));
    EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted);
    EXPECT_EQ((*logger)->Flush(absl::Now() + absl::Milliseconds(50)).code(),
              absl::StatusCode::kDeadlineExceeded);
  }
  auto up = std::make_shared<NiceMock<MockSessionLogConnection>>();
  int delivered = 0;
  EXPECT_CALL(*up, AppendEvents(_, _))
      .WillRepeatedly(Invoke([&](const auto& r, const auto&) {
        delivered += r.events_size();
        return absl::StatusOr<sv1::AppendEventsResponse>(
            sv1::AppendEventsResponse());
      }));
  auto logger = SessionLogger::Create(options, up);
  ASSERT_TRUE((*logger)->Flush(absl::Now() + absl::Seconds(30)).ok());
  EXPECT_EQ(delivered, 5);
}

}  // namespace
}  // namespace kip
