// SessionLogger against a mocked connection: order, batching, backoff on
// transient errors, refused records kept aside, the bounded outbox, restarts -
// each on a plain and on an encrypted (SQLCipher) outbox - and what the
// encrypted file shows to someone without the key.
#include "sdk/cpp/session_logger.h"

#include <atomic>
#include <fstream>
#include <iterator>
#include <set>

#include "base/sqlite_db.h"
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

// The outbox's key under test: "" (plain) or 32 bytes.
class SessionLoggerTest : public ::testing::TestWithParam<std::string> {
 protected:
  SessionLoggerOptions Options(const std::string& path) {
    SessionLoggerOptions o = BaseOptions(path);
    o.outbox_key = GetParam();
    return o;
  }
  static SessionLoggerOptions BaseOptions(const std::string& path);
};

INSTANTIATE_TEST_SUITE_P(
    Outboxes, SessionLoggerTest,
    ::testing::Values(std::string(), std::string(kSqliteKeyBytes, '\x17')),
    [](const ::testing::TestParamInfo<std::string>& info) {
      return info.param.empty() ? "Plain" : "Encrypted";
    });

SessionLoggerOptions SessionLoggerTest::BaseOptions(const std::string& path) {
  SessionLoggerOptions o;
  o.outbox_path = path;
  o.batch_size = 10;
  o.initial_backoff = absl::Milliseconds(5);
  o.max_backoff = absl::Milliseconds(20);
  return o;
}

TEST_P(SessionLoggerTest, DeliversInOrderInBatchesAfterTransientFailures) {
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

TEST_P(SessionLoggerTest, NetworkUpResetsTheBackoffAndDeliversAtOnce) {
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

TEST_P(SessionLoggerTest, ARefusedEventIsKeptAsideNeverDropped) {
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

TEST_P(SessionLoggerTest, AFullOutboxRefusesClearlyAndARestartResumes) {
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

TEST_P(SessionLoggerTest, ARepeatedEventIdIsQueuedOnceAndCountedOnce) {
  auto down = std::make_shared<NiceMock<MockSessionLogConnection>>();
  ON_CALL(*down, AppendEvents(_, _))
      .WillByDefault(Invoke([](const auto&, const auto&) {
        return absl::StatusOr<sv1::AppendEventsResponse>(
            absl::UnavailableError("down"));
      }));
  const std::string path = TempPath();
  SessionLoggerOptions options = Options(path);
  options.initial_backoff = absl::Hours(1);
  {
    auto logger = SessionLogger::Create(options, down);
    sv1::Event event = Note("s", 1);
    event.set_event_id("6b1f0c7e-0000-4000-8000-000000000001");
    ASSERT_TRUE((*logger)->Log(event).ok());
    ASSERT_TRUE((*logger)->Log(event).ok());  // a retry by the app
    ASSERT_TRUE((*logger)->Log(Note("s", 2)).ok());
    EXPECT_EQ((*logger)->PendingCount(), 2);
  }
  auto reopened = SessionLogger::Create(options, down);
  EXPECT_EQ((*reopened)->PendingCount(), 2);
}

std::shared_ptr<MockSessionLogConnection> Unreachable() {
  auto down = std::make_shared<NiceMock<MockSessionLogConnection>>();
  ON_CALL(*down, AppendEvents(_, _))
      .WillByDefault(Invoke([](const auto&, const auto&) {
        return absl::StatusOr<sv1::AppendEventsResponse>(
            absl::UnavailableError("down"));
      }));
  return down;
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

SessionLoggerOptions EncryptedOptions(const std::string& path, char key_byte) {
  SessionLoggerOptions o;
  o.outbox_path = path;
  o.outbox_key = std::string(kSqliteKeyBytes, key_byte);
  o.initial_backoff = absl::Hours(1);
  return o;
}

TEST(EncryptedOutboxTest, NoEventIdOrTextIsInTheFilesInTheClear) {
  const std::string path = TempPath();
  auto logger =
      SessionLogger::Create(EncryptedOptions(path, 'k'), Unreachable());
  ASSERT_TRUE(logger.ok()) << logger.status();
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    sv1::Event e = Note("3f2a9c1e-session", i);
    e.mutable_note()->set_text("patient reports dizziness " +
                               std::to_string(i));
    auto id = (*logger)->Log(e);
    ASSERT_TRUE(id.ok()) << id.status();
    ids.push_back(*id);
  }
  // Read while the logger holds them (the WAL) and after it closed (the file).
  for (int round = 0; round < 2; ++round) {
    const std::string bytes = FileBytes(path) + FileBytes(path + "-wal");
    ASSERT_GT(bytes.size(), 4096u);
    EXPECT_EQ(bytes.find("SQLite format 3"), std::string::npos);
    EXPECT_EQ(bytes.find("dizziness"), std::string::npos);
    EXPECT_EQ(bytes.find("3f2a9c1e-session"), std::string::npos);
    for (const std::string& id : ids) {
      ASSERT_EQ(bytes.find(id), std::string::npos) << id << " in the clear";
    }
    logger->reset();
  }
  // The same events in a plain outbox are visible, so the check can fail.
  const std::string plain_path = TempPath();
  SessionLoggerOptions plain = EncryptedOptions(plain_path, 'k');
  plain.outbox_key.clear();
  auto plain_logger = SessionLogger::Create(plain, Unreachable());
  auto id = (*plain_logger)->Log(Note("3f2a9c1e-session", 1));
  plain_logger->reset();
  EXPECT_NE(FileBytes(plain_path).find(*id), std::string::npos);
}

TEST(EncryptedOutboxTest, AWrongKeyIsAClearErrorAndThePendingEventsStay) {
  const std::string path = TempPath();
  {
    auto logger =
        SessionLogger::Create(EncryptedOptions(path, 'a'), Unreachable());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE((*logger)->Log(Note("s", i)).ok());
  }
  auto wrong =
      SessionLogger::Create(EncryptedOptions(path, 'b'), Unreachable());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(wrong.status().message()),
              ::testing::HasSubstr("this key does not open it"));
  SessionLoggerOptions no_key = EncryptedOptions(path, 'a');
  no_key.outbox_key.clear();
  EXPECT_FALSE(SessionLogger::Create(no_key, Unreachable()).ok())
      << "an encrypted outbox must never open as an empty plain one";
  SessionLoggerOptions short_key = EncryptedOptions(path, 'a');
  short_key.outbox_key.resize(16);
  EXPECT_EQ(SessionLogger::Create(short_key, Unreachable()).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto right =
      SessionLogger::Create(EncryptedOptions(path, 'a'), Unreachable());
  ASSERT_TRUE(right.ok()) << right.status();
  EXPECT_EQ((*right)->PendingCount(), 3);
}

TEST(EncryptedOutboxTest, APlainOutboxDoesNotOpenWithAKey) {
  const std::string path = TempPath();
  SessionLoggerOptions plain = EncryptedOptions(path, 'a');
  plain.outbox_key.clear();
  {
    auto logger = SessionLogger::Create(plain, Unreachable());
    ASSERT_TRUE((*logger)->Log(Note("s", 1)).ok());
  }
  EXPECT_EQ(SessionLogger::Create(EncryptedOptions(path, 'a'), Unreachable())
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto again = SessionLogger::Create(plain, Unreachable());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->PendingCount(), 1);
}

}  // namespace
}  // namespace kip
