// Durable appends per second: the sessions server over gRPC (8 concurrent
// clients, batches of 1, 10 and 100 events) beside the same rows inserted
// straight into the same database with the same durability settings, in the
// same run, as a ratio; once on SQLite (WAL, synchronous=FULL) and once on
// PostgreSQL (synchronous_commit=on). The gRPC health check, an empty handler,
// is printed as the transport's ceiling.
//
//   bazel run -c opt //tests/bench:sessions_append_bench [-- --seconds=3]
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/sqlite_db.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "services/common/testing/test_pki.h"
#include "services/common/token_signer.h"
#include "services/sessions/log/merkle.h"
#include "services/sessions/store/pg_conn.h"
#include "services/sessions/store/row_codec.h"
#include "services/sessions/store/store_test_fixture.h"
#include "tests/integration/server_process.h"
#include "tests/testing/postgres_server.h"

ABSL_FLAG(double, seconds, 3, "measuring time per figure");

namespace kip {
namespace {

namespace v1 = kip::sessions::v1;
using sessions::testing::NewUuid;

constexpr int kClients = 8;
constexpr int kBatchSizes[] = {1, 10, 100};

// Runs `work(client)` on kClients threads for the configured time; each call
// returns the events it made durable. Returns events per second.
double Rate(const std::function<int(int client)>& work) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> events{0};
  std::vector<std::thread> threads;
  const absl::Time start = absl::Now();
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      while (!stop) events += work(c);
    });
  }
  absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_seconds)));
  stop = true;
  for (std::thread& t : threads) t.join();
  return events / absl::ToDoubleSeconds(absl::Now() - start);
}

// A stored-row-sized event: the server stores its canonical record plus
// the indexed columns; the raw baseline inserts the same.
v1::Event NoteEvent(const std::string& session_id, int i) {
  v1::Event event;
  event.set_event_id(NewUuid());
  event.set_session_id(session_id);
  *event.mutable_device_time() = sessions::ToTimestamp(absl::Now());
  event.mutable_note()->set_text(absl::StrCat("benchmark note ", i));
  return event;
}

struct RawRow {
  std::string event_id, session_id, digest, hash, record;
  int64_t device_us;
};

RawRow MakeRawRow(const std::string& session_id, int i) {
  v1::Event event = NoteEvent(session_id, i);
  event.set_hash_hex(std::string(64, 'a'));
  event.set_prev_hash_hex(std::string(64, 'b'));
  event.set_recorded_by("device-1");
  return {event.event_id(),          session_id,
          std::string(64, 'c'),      std::string(64, 'a'),
          event.SerializeAsString(), absl::ToUnixMicros(absl::Now())};
}

constexpr char kRawTable[] =
    "CREATE TABLE events (global_index BIGINT PRIMARY KEY, event_id TEXT NOT "
    "NULL UNIQUE, session_id TEXT NOT NULL, session_sequence BIGINT NOT NULL, "
    "device_us BIGINT NOT NULL, content_digest_hex TEXT NOT NULL, hash_hex "
    "TEXT NOT NULL, record BYTEA NOT NULL, UNIQUE (session_id, "
    "session_sequence))";

double RawSqliteRate(const std::string& dir, int batch) {
  const std::string path = absl::StrCat(dir, "/raw-", batch, ".db");
  {
    auto db = *SqliteDb::Open(path);
    (void)db->QueryText("PRAGMA journal_mode=WAL");
    (void)db->Exec(kRawTable);
  }
  std::vector<std::unique_ptr<SqliteDb>> conns;
  for (int c = 0; c < kClients; ++c) {
    conns.push_back(*SqliteDb::Open(path));
    (void)conns.back()->Exec("PRAGMA synchronous=FULL");
  }
  std::atomic<int64_t> next_index{0};
  return Rate([&](int c) {
    SqliteDb& db = *conns[c];
    if (!db.Exec("BEGIN IMMEDIATE").ok()) return 0;
    // The strongest plain use of SQLite: one prepared statement, rebound.
    auto stmt = db.Cached("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (int i = 0; i < batch; ++i) {
      RawRow row = MakeRawRow(absl::StrCat("s", c), i);
      const int64_t index = next_index++;
      (*stmt)->Reset();
      (*stmt)
          ->Bind(1, index)
          .Bind(2, row.event_id)
          .Bind(3, row.session_id)
          .Bind(4, index)
          .Bind(5, row.device_us)
          .Bind(6, row.digest)
          .Bind(7, row.hash)
          .BindBlob(8, row.record);
      (void)(*stmt)->Run();
    }
    return db.Exec("COMMIT").ok() ? batch : 0;
  });
}

double RawPostgresRate(const std::string& dsn, int batch) {
  std::vector<std::unique_ptr<sessions::PgConn>> conns;
  for (int c = 0; c < kClients; ++c) {
    conns.push_back(*sessions::PgConn::Connect(dsn));
    (void)conns.back()->Run("SET synchronous_commit = on");
  }
  (void)conns[0]->Run(absl::StrCat("DROP TABLE IF EXISTS events; ", kRawTable));
  std::atomic<int64_t> next_index{0};
  using sessions::PgParam;
  return Rate([&](int c) {
    sessions::PgConn& conn = *conns[c];
    (void)conn.Run("BEGIN");
    for (int i = 0; i < batch; ++i) {
      RawRow row = MakeRawRow(absl::StrCat("s", c), i);
      const int64_t index = next_index++;
      (void)conn.Exec(
          "INSERT INTO events VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
          {PgParam::Int(index), PgParam::Text(row.event_id),
           PgParam::Text(row.session_id), PgParam::Int(index),
           PgParam::Int(row.device_us), PgParam::Text(row.digest),
           PgParam::Text(row.hash), PgParam::Bytes(row.record)});
    }
    return conn.Run("COMMIT").ok() ? batch : 0;
  });
}

class Server {
 public:
  Server(const std::vector<std::string>& extra_args) {
    testing::KeyPair keys = testing::NewEcP256KeyPair();
    signer_ = std::make_unique<TokenSigner>(
        *TokenSigner::FromPrivateKeyPem(keys.private_pem));
    std::vector<std::string> args = {
        "--auth_public_key=" +
            testing::WriteTempFile("auth.pub", keys.public_pem),
        absl::StrCat("--data_dir=/tmp/kip-bench-", NewUuid())};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    process_ =
        std::make_unique<testing::ServerProcess>(*testing::ServerProcess::Start(
            "services/sessions/sessions_server", args, "sessions-bench"));
    channel_ = grpc::CreateChannel(process_->address(),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::SessionLogService::NewStub(channel_);
    v1::CreateStudyRequest study;
    *study.mutable_study() = sessions::testing::MakeStudy("S1");
    v1::CreateStudyResponse created;
    (void)stub_->CreateStudy(As("clinician").get(), study, &created);
    v1::EnrollPatientRequest patient;
    *patient.mutable_patient() = sessions::testing::MakePatient("S1", "P1");
    v1::EnrollPatientResponse enrolled;
    (void)stub_->EnrollPatient(As("clinician").get(), patient, &enrolled);
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& role) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer " + Token(role));
    return context;
  }

  double AppendRate(int batch) {
    std::vector<std::string> sessions;
    for (int c = 0; c < kClients; ++c) {
      v1::StartSessionRequest start;
      *start.mutable_session() = sessions::testing::MakeSession("S1", "P1");
      v1::StartSessionResponse started;
      (void)stub_->StartSession(As("device").get(), start, &started);
      sessions.push_back(started.session().session_id());
    }
    return Rate([&](int c) {
      v1::AppendEventsRequest request;
      for (int i = 0; i < batch; ++i)
        *request.add_events() = NoteEvent(sessions[c], i);
      v1::AppendEventsResponse response;
      return stub_->AppendEvents(As("device").get(), request, &response).ok()
                 ? batch
                 : 0;
    });
  }

  double EmptyHandlerRate() {
    auto health = grpc::health::v1::Health::NewStub(channel_);
    return Rate([&](int) {
      grpc::ClientContext context;
      grpc::health::v1::HealthCheckResponse response;
      return health->Check(&context, {}, &response).ok() ? 1 : 0;
    });
  }

 private:
  std::string Token(const std::string& role) {
    return *signer_->Sign({role + "-1", role, "site-a",
                           absl::Now() + absl::Hours(1), std::nullopt});
  }
  std::unique_ptr<TokenSigner> signer_;
  std::unique_ptr<testing::ServerProcess> process_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::SessionLogService::Stub> stub_;
};

void Report(const char* backend, const std::function<double(int)>& raw,
            Server& server) {
  std::printf("\n%s, %d concurrent clients, durable commits\n", backend,
              kClients);
  std::printf("%-7s %18s %18s %8s\n", "batch", "gRPC events/s", "raw events/s",
              "ratio");
  for (int batch : kBatchSizes) {
    const double grpc_rate = server.AppendRate(batch);
    const double raw_rate = raw(batch);
    std::printf("%-7d %18.0f %18.0f %7.0f%%\n", batch, grpc_rate, raw_rate,
                100 * grpc_rate / raw_rate);
    std::fflush(stdout);
  }
  std::printf("empty gRPC handler (health check): %.0f calls/s\n",
              server.EmptyHandlerRate());
}

}  // namespace
}  // namespace kip

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string dir =
      absl::StrCat("/tmp/kip-bench-", kip::sessions::testing::NewUuid());
  std::filesystem::create_directories(dir);
  {
    kip::Server server({});
    kip::Report(
        "SQLite (WAL, synchronous=FULL)",
        [&](int batch) { return kip::RawSqliteRate(dir, batch); }, server);
  }
  auto server_db = kip::testing::FreshPostgresDatabase();
  auto raw_db = kip::testing::FreshPostgresDatabase();
  if (!server_db.ok() || !raw_db.ok()) {
    std::fprintf(stderr, "PostgreSQL: %s\n",
                 server_db.status().ToString().c_str());
    return 1;
  }
  {
    kip::Server server({"--store=postgres:" + *server_db});
    kip::Report(
        "PostgreSQL (synchronous_commit=on)",
        [&](int batch) { return kip::RawPostgresRate(*raw_db, batch); },
        server);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
