// SessionLogger::Log() - what a pump pays to make one event durable on the
// device - against the baseline of raw SQLite with the same durability (WAL,
// synchronous=FULL, one transaction per row, one prepared statement), in the
// same run: plain, and encrypted (SQLCipher, the same 32-byte raw key) beside
// raw SQLCipher. The SDK links SQLCipher, so "raw SQLite" is SQLCipher's
// SQLite without a key. The service is unreachable, so the outbox only grows:
// the figure is the local write, measured at an empty and at a well-filled
// outbox. It also prints the resident memory of the process before a logger
// exists, with an idle logger, and with `--pending` events waiting in its
// outbox.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/sqlite_db.h"
#include "sdk/cpp/session_logger.h"

ABSL_FLAG(int, events, 2000, "events per measurement");
ABSL_FLAG(int, prefill, 20000, "events already pending in the second round");
ABSL_FLAG(int, pending, 10000, "events pending for the memory figure");

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;

sv1::Event MakeEvent(int i) {
  sv1::Event e;
  e.set_session_id("8d7c1f3e-4b2a-4c1d-9e8f-0a1b2c3d4e5f");
  e.mutable_vital_signs()->set_spo2_percent(97);
  e.mutable_vital_signs()->set_heart_rate_per_min(60 + i % 30);
  e.mutable_device_time()->set_seconds(1'700'000'000 + i);
  return e;
}

std::string TempDir() {
  const char* dir = getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

// Events/s of `events` Log() calls into a logger that already holds
// `prefill` pending records.
// A fixed bench key: the figure is the cipher's cost, not key handling.
const std::string& BenchKey() {
  static const std::string* key = new std::string(kSqliteKeyBytes, '\x5a');
  return *key;
}

double LoggerRate(int events, int prefill, const std::string& key) {
  const std::string path =
      absl::StrCat(TempDir(), "/bench-outbox-", NewUuid(), ".db");
  SessionLoggerOptions options;
  options.outbox_path = path;
  options.outbox_key = key;
  options.max_pending = 10'000'000;
  options.initial_backoff = absl::Hours(1);  // nothing leaves: local cost only
  options.max_backoff = absl::Hours(1);
  ConnectionOptions unreachable;
  unreachable.target = "127.0.0.1:1";
  auto logger =
      *SessionLogger::Create(options, MakeSessionLogConnection(unreachable));
  for (int i = 0; i < prefill; ++i) (void)logger->Log(MakeEvent(i));
  const absl::Time start = absl::Now();
  for (int i = 0; i < events; ++i) {
    if (!logger->Log(MakeEvent(i)).ok()) return 0;
  }
  const double rate = events / absl::ToDoubleSeconds(absl::Now() - start);
  logger.reset();
  std::remove(path.c_str());
  return rate;
}

// Resident set size of this process, MiB (VmRSS of /proc/self/status).
double ResidentMiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
    }
  }
  return 0;
}

struct Memory {
  double before_mib = 0, idle_mib = 0, pending_mib = 0;
};

// The SDK's resident memory: before a logger, with an idle one, and with
// `pending` events in its outbox (the network down).
Memory LoggerMemory(int pending) {
  Memory memory;
  memory.before_mib = ResidentMiB();
  const std::string path =
      absl::StrCat(TempDir(), "/bench-memory-", NewUuid(), ".db");
  SessionLoggerOptions options;
  options.outbox_path = path;
  options.outbox_key = BenchKey();
  options.max_pending = 10'000'000;
  options.initial_backoff = absl::Hours(1);
  options.max_backoff = absl::Hours(1);
  ConnectionOptions unreachable;
  unreachable.target = "127.0.0.1:1";
  auto logger =
      *SessionLogger::Create(options, MakeSessionLogConnection(unreachable));
  absl::SleepFor(absl::Milliseconds(200));  // its delivery thread has started
  memory.idle_mib = ResidentMiB();
  for (int i = 0; i < pending; ++i) (void)logger->Log(MakeEvent(i));
  memory.pending_mib = ResidentMiB();
  logger.reset();
  std::remove(path.c_str());
  return memory;
}

double RawSqliteRate(int events, const std::string& key) {
  const std::string path =
      absl::StrCat(TempDir(), "/bench-raw-", NewUuid(), ".db");
  auto db =
      key.empty() ? *SqliteDb::Open(path) : *SqliteDb::OpenEncrypted(path, key);
  (void)db->QueryText("PRAGMA journal_mode=WAL");
  (void)db->Exec("PRAGMA synchronous=FULL");
  (void)db->Exec(
      "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT "
      "NOT NULL, id TEXT NOT NULL UNIQUE, record BLOB NOT NULL)");
  auto stmt =
      db->Cached("INSERT INTO outbox (kind, id, record) VALUES (?,?,?)");
  const absl::Time start = absl::Now();
  for (int i = 0; i < events; ++i) {
    sv1::Event e = MakeEvent(i);
    e.set_event_id(NewUuid());
    (*stmt)->Reset();
    (*stmt)
        ->Bind(1, "event")
        .Bind(2, e.event_id())
        .BindBlob(3, e.SerializeAsString());
    if (!(*stmt)->Run().ok()) return 0;
  }
  const double rate = events / absl::ToDoubleSeconds(absl::Now() - start);
  db.reset();
  std::remove(path.c_str());
  return rate;
}

}  // namespace
}  // namespace kip

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int events = absl::GetFlag(FLAGS_events);
  const int prefill = absl::GetFlag(FLAGS_prefill);
  const kip::Memory memory = kip::LoggerMemory(absl::GetFlag(FLAGS_pending));
  const std::string& key = kip::BenchKey();
  const double raw = kip::RawSqliteRate(events, "");
  const double raw_cipher = kip::RawSqliteRate(events, key);
  const double plain = kip::LoggerRate(events, 0, "");
  const double empty = kip::LoggerRate(events, 0, key);
  const double filled = kip::LoggerRate(events, prefill, key);
  std::printf(
      "SessionLogger::Log(), durable (WAL, synchronous=FULL), %d events\n",
      events);
  std::printf("%-38s %10s %-16s %10s %7s\n", "", "events/s", "baseline",
              "events/s", "ratio");
  const auto row = [](const std::string& what, double rate, const char* base,
                      double base_rate) {
    std::printf("%-38s %10.0f %-16s %10.0f %6.0f%%\n", what.c_str(), rate, base,
                base_rate, 100 * rate / base_rate);
  };
  row("plain outbox, empty", plain, "raw SQLite", raw);
  row("encrypted outbox, empty", empty, "raw SQLCipher", raw_cipher);
  row(absl::StrCat("encrypted outbox holding ", prefill), filled,
      "raw SQLCipher", raw_cipher);
  std::printf(
      "resident memory (encrypted outbox): %.1f MiB before a logger, %.1f "
      "MiB with an idle logger, %.1f MiB with %d events pending\n",
      memory.before_mib, memory.idle_mib, memory.pending_mib,
      absl::GetFlag(FLAGS_pending));
  return 0;
}
