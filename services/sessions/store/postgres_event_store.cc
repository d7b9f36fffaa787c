#include "services/sessions/store/postgres_event_store.h"

#include <limits>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/common/status_macros.h"
#include "services/sessions/log/event_chain.h"
#include "services/sessions/store/pg_conn.h"
#include "services/sessions/store/row_codec.h"

namespace kip::sessions {
namespace {

// Advisory lock keys: schema migration, and the global log's next index.
constexpr int64_t kMigrationLock = 0x6b69700001;
constexpr int64_t kLogIndexLock = 0x6b69700002;

// Forward-only migrations; index i brings the schema to version i + 1.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE studies (id TEXT PRIMARY KEY, record BYTEA NOT NULL);
CREATE TABLE patients (
  study_id TEXT NOT NULL, patient_id TEXT NOT NULL, site_id TEXT NOT NULL,
  record BYTEA NOT NULL, PRIMARY KEY (study_id, patient_id));
CREATE TABLE sessions (
  session_id TEXT PRIMARY KEY, study_id TEXT NOT NULL,
  patient_id TEXT NOT NULL, site_id TEXT NOT NULL, course_id TEXT NOT NULL,
  start_us BIGINT NOT NULL, end_us BIGINT,
  event_count BIGINT NOT NULL DEFAULT 0, head_hash_hex TEXT NOT NULL DEFAULT '',
  record BYTEA NOT NULL);
CREATE INDEX sessions_by_start ON sessions (start_us, session_id);
CREATE INDEX sessions_by_patient ON sessions (study_id, patient_id, start_us);
CREATE TABLE events (
  global_index BIGINT PRIMARY KEY, event_id TEXT NOT NULL UNIQUE,
  session_id TEXT NOT NULL REFERENCES sessions (session_id),
  session_sequence BIGINT NOT NULL, device_us BIGINT NOT NULL,
  content_digest_hex TEXT NOT NULL, hash_hex TEXT NOT NULL,
  record BYTEA NOT NULL, UNIQUE (session_id, session_sequence));
CREATE TABLE checkpoints (
  tree_size BIGINT PRIMARY KEY, root_hash_hex TEXT NOT NULL,
  time_us BIGINT NOT NULL, signature BYTEA NOT NULL, algorithm TEXT NOT NULL);
CREATE TABLE read_audit (id BIGSERIAL PRIMARY KEY, record BYTEA NOT NULL);
)sql",
};

using Params = std::vector<PgParam>;

absl::StatusOr<std::unique_ptr<PgConn>> OpenConnection(const std::string& dsn) {
  KIP_ASSIGN_OR_RETURN(conn, PgConn::Connect(dsn));
  KIP_RETURN_IF_ERROR(conn->Run("SET synchronous_commit = on"));
  KIP_ASSIGN_OR_RETURN(setting, conn->Exec("SHOW synchronous_commit"));
  if (setting.rows() != 1 || setting.Text(0, 0) != "on") {
    return absl::FailedPreconditionError(
        "postgres: synchronous_commit could not be set to on");
  }
  return std::move(conn);
}

absl::Status Migrate(PgConn& conn) {
  KIP_RETURN_IF_ERROR(conn.Run("BEGIN"));
  absl::Status status = [&]() -> absl::Status {
    KIP_RETURN_IF_ERROR(conn.Exec("SELECT pg_advisory_xact_lock($1)",
                                  {PgParam::Int(kMigrationLock)})
                            .status());
    KIP_RETURN_IF_ERROR(
        conn.Run("CREATE TABLE IF NOT EXISTS schema_migrations ("
                 "version INTEGER PRIMARY KEY, applied_us BIGINT NOT NULL)"));
    KIP_ASSIGN_OR_RETURN(
        current,
        conn.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    const int version = static_cast<int>(current.Int(0, 0));
    const int latest = static_cast<int>(std::size(kMigrations));
    if (version > latest) {
      return absl::FailedPreconditionError(absl::StrCat(
          "database schema version ", version, " is newer than this server (",
          latest, "); upgrade the server"));
    }
    for (int v = version; v < latest; ++v) {
      KIP_RETURN_IF_ERROR(conn.Run(kMigrations[v]));
      KIP_RETURN_IF_ERROR(
          conn.Exec("INSERT INTO schema_migrations VALUES ($1, $2)",
                    {PgParam::Int(v + 1),
                     PgParam::Int(absl::ToUnixMicros(absl::Now()))})
              .status());
    }
    return absl::OkStatus();
  }();
  if (!status.ok()) {
    conn.Run("ROLLBACK").IgnoreError();
    return status;
  }
  return conn.Run("COMMIT");
}

constexpr char kSessionColumns[] = "record, event_count, head_hash_hex, end_us";
constexpr char kEventColumns[] =
    "session_sequence, global_index, event_id, hash_hex, record";

absl::StatusOr<v1::InfusionSession> SessionAt(const PgResult& r, int row) {
  KIP_ASSIGN_OR_RETURN(
      session, ParseRecord<v1::InfusionSession>(r.Bytes(row, 0), "session"));
  session.set_event_count(r.Int(row, 1));
  session.set_head_hash_hex(r.Text(row, 2));
  if (!r.IsNull(row, 3))
    *session.mutable_end_time() = MicrosToTimestamp(r.Int(row, 3));
  return session;
}

StoredEventRow EventAt(const PgResult& r, int row) {
  return StoredEventRow{r.Int(row, 0), r.Int(row, 1), r.Text(row, 2),
                        r.Text(row, 3), r.Bytes(row, 4)};
}

template <typename Proto>
absl::StatusOr<std::vector<Proto>> Records(const PgResult& r,
                                           absl::string_view what) {
  std::vector<Proto> out;
  for (int i = 0; i < r.rows(); ++i) {
    KIP_ASSIGN_OR_RETURN(proto, ParseRecord<Proto>(r.Bytes(i, 0), what));
    out.push_back(std::move(proto));
  }
  return out;
}

absl::StatusOr<std::optional<v1::InfusionSession>> FindSessionOn(
    PgConn& conn, const std::string& session_id) {
  KIP_ASSIGN_OR_RETURN(
      r, conn.Exec(absl::StrCat("SELECT ", kSessionColumns,
                                " FROM sessions WHERE session_id = $1"),
                   {PgParam::Text(session_id)}));
  if (r.rows() == 0) return std::nullopt;
  KIP_ASSIGN_OR_RETURN(session, SessionAt(r, 0));
  return session;
}

class PgWriteTransaction final : public WriteTransaction {
 public:
  explicit PgWriteTransaction(PgConn& conn) : conn_(conn) {}

  absl::StatusOr<std::optional<EventRecordRow>> FindEvent(
      const std::string& event_id) override {
    KIP_ASSIGN_OR_RETURN(
        r,
        conn_.Exec(absl::StrCat(
                       "SELECT ", kEventColumns,
                       ", content_digest_hex FROM events WHERE event_id = $1"),
                   {PgParam::Text(event_id)}));
    if (r.rows() == 0) return std::nullopt;
    return EventRecordRow{EventAt(r, 0), r.Text(0, 5)};
  }

  absl::StatusOr<std::map<std::string, EventRecordRow>> FindEvents(
      const std::vector<std::string>& event_ids) override {
    // A text[] literal; ids are quoted and their quotes and backslashes
    // escaped.
    std::string array = "{";
    for (size_t i = 0; i < event_ids.size(); ++i) {
      std::string quoted;
      for (char c : event_ids[i]) {
        if (c == '"' || c == '\\') quoted.push_back('\\');
        quoted.push_back(c);
      }
      absl::StrAppend(&array, i ? "," : "", "\"", quoted, "\"");
    }
    array += "}";
    KIP_ASSIGN_OR_RETURN(
        r, conn_.Exec(
               absl::StrCat("SELECT ", kEventColumns,
                            ", content_digest_hex FROM events WHERE event_id = "
                            "ANY($1::text[])"),
               {PgParam::Text(array)}));
    std::map<std::string, EventRecordRow> found;
    for (int i = 0; i < r.rows(); ++i) {
      EventRecordRow row{EventAt(r, i), r.Text(i, 5)};
      found.emplace(row.row.event_id, std::move(row));
    }
    return found;
  }

  absl::Status InsertEvents(const std::vector<NewEvent>& events) override {
    if (events.empty()) return absl::OkStatus();
    std::string sql =
        "INSERT INTO events (global_index, event_id, session_id, "
        "session_sequence, "
        "device_us, content_digest_hex, hash_hex, record) VALUES ";
    Params params;
    params.reserve(events.size() * 8);
    for (size_t i = 0; i < events.size(); ++i) {
      const v1::Event& event = *events[i].event;
      const size_t p = i * 8;
      absl::StrAppend(&sql, i ? "," : "", "($", p + 1, ",$", p + 2, ",$", p + 3,
                      ",$", p + 4, ",$", p + 5, ",$", p + 6, ",$", p + 7, ",$",
                      p + 8, ")");
      params.push_back(PgParam::Int(event.global_index()));
      params.push_back(PgParam::Text(event.event_id()));
      params.push_back(PgParam::Text(event.session_id()));
      params.push_back(PgParam::Int(event.session_sequence()));
      params.push_back(PgParam::Int(TimestampMicros(event.device_time())));
      params.push_back(PgParam::Text(events[i].content_digest_hex));
      params.push_back(PgParam::Text(event.hash_hex()));
      params.push_back(PgParam::Bytes(events[i].record));
    }
    return conn_.Exec(sql, params).status();
  }

  absl::StatusOr<std::optional<v1::InfusionSession>> FindSession(
      const std::string& session_id) override {
    return FindSessionOn(conn_, session_id);
  }

  absl::StatusOr<int64_t> NextGlobalIndex() override {
    KIP_RETURN_IF_ERROR(conn_
                            .Exec("SELECT pg_advisory_xact_lock($1)",
                                  {PgParam::Int(kLogIndexLock)})
                            .status());
    KIP_ASSIGN_OR_RETURN(
        r, conn_.Exec("SELECT COALESCE(MAX(global_index) + 1, 0) FROM events"));
    return r.Int(0, 0);
  }

  absl::Status InsertEvent(const v1::Event& event, const std::string& digest,
                           const std::string& record) override {
    return conn_
        .Exec(
            "INSERT INTO events (global_index, event_id, session_id, "
            "session_sequence, device_us, content_digest_hex, hash_hex, "
            "record) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            {PgParam::Int(event.global_index()),
             PgParam::Text(event.event_id()), PgParam::Text(event.session_id()),
             PgParam::Int(event.session_sequence()),
             PgParam::Int(TimestampMicros(event.device_time())),
             PgParam::Text(digest), PgParam::Text(event.hash_hex()),
             PgParam::Bytes(record)})
        .status();
  }

  absl::Status UpdateSessionHead(const std::string& session_id,
                                 int64_t event_count,
                                 const std::string& head_hash_hex,
                                 std::optional<absl::Time> end_time) override {
    return conn_
        .Exec(
            "UPDATE sessions SET event_count = $1, head_hash_hex = $2, "
            "end_us = COALESCE($3::BIGINT, end_us) WHERE session_id = $4",
            {PgParam::Int(event_count), PgParam::Text(head_hash_hex),
             end_time ? PgParam::Int(absl::ToUnixMicros(*end_time))
                      : PgParam::Null(),
             PgParam::Text(session_id)})
        .status();
  }

  absl::Status Savepoint() override { return conn_.Run("SAVEPOINT batch"); }
  absl::Status ReleaseSavepoint() override {
    return conn_.Run("RELEASE SAVEPOINT batch");
  }
  absl::Status RollbackToSavepoint() override {
    KIP_RETURN_IF_ERROR(conn_.Run("ROLLBACK TO SAVEPOINT batch"));
    return conn_.Run("RELEASE SAVEPOINT batch");
  }

 private:
  PgConn& conn_;
};

class PostgresEventStore final : public EventStore {
 public:
  PostgresEventStore(std::string dsn, std::unique_ptr<PgConn> writer)
      : dsn_(std::move(dsn)), writer_(std::move(writer)) {}

  std::string backend_name() const override { return "postgres"; }

  absl::Status RunInTransaction(
      absl::FunctionRef<absl::Status(WriteTransaction&)> body) override {
    absl::MutexLock lock(&writer_mu_);
    KIP_RETURN_IF_ERROR(writer_->Run("BEGIN"));
    PgWriteTransaction txn(*writer_);
    absl::Status status = body(txn);
    if (status.ok()) status = writer_->Run("COMMIT");
    if (!status.ok()) writer_->Run("ROLLBACK").IgnoreError();
    return status;
  }

  absl::Status InsertStudy(const v1::Study& study) override {
    return Write(
        "INSERT INTO studies (id, record) VALUES ($1, $2)",
        {PgParam::Text(study.id()), PgParam::Bytes(CanonicalBytes(study))});
  }

  absl::StatusOr<std::optional<v1::Study>> FindStudy(
      const std::string& id) override {
    return FindOne<v1::Study>("SELECT record FROM studies WHERE id = $1",
                              {PgParam::Text(id)}, "study");
  }

  absl::StatusOr<std::vector<v1::Study>> ListStudies(
      const std::string& after_id, int limit) override {
    KIP_ASSIGN_OR_RETURN(r,
                         Read("SELECT record FROM studies WHERE id > $1 "
                              "ORDER BY id LIMIT $2",
                              {PgParam::Text(after_id), PgParam::Int(limit)}));
    return Records<v1::Study>(r, "study");
  }

  absl::Status InsertPatient(const v1::Patient& p) override {
    return Write(
        "INSERT INTO patients (study_id, patient_id, site_id, record) "
        "VALUES ($1, $2, $3, $4)",
        {PgParam::Text(p.study_id()), PgParam::Text(p.patient_id()),
         PgParam::Text(p.site_id()), PgParam::Bytes(CanonicalBytes(p))});
  }

  absl::StatusOr<std::optional<v1::Patient>> FindPatient(
      const std::string& study_id, const std::string& patient_id) override {
    return FindOne<v1::Patient>(
        "SELECT record FROM patients WHERE study_id = $1 AND patient_id = $2",
        {PgParam::Text(study_id), PgParam::Text(patient_id)}, "patient");
  }

  absl::StatusOr<std::vector<v1::Patient>> ListPatients(
      const std::string& study_id) override {
    KIP_ASSIGN_OR_RETURN(r,
                         Read("SELECT record FROM patients WHERE study_id = $1 "
                              "ORDER BY patient_id",
                              {PgParam::Text(study_id)}));
    return Records<v1::Patient>(r, "patient");
  }

  absl::Status InsertSession(const v1::InfusionSession& s) override {
    return Write(
        "INSERT INTO sessions (session_id, study_id, patient_id, site_id, "
        "course_id, start_us, record) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {PgParam::Text(s.session_id()), PgParam::Text(s.study_id()),
         PgParam::Text(s.patient_id()), PgParam::Text(s.site_id()),
         PgParam::Text(s.course_id()),
         PgParam::Int(TimestampMicros(s.start_time())),
         PgParam::Bytes(CanonicalBytes(s))});
  }

  absl::StatusOr<std::optional<v1::InfusionSession>> FindSession(
      const std::string& session_id) override {
    KIP_ASSIGN_OR_RETURN(reader, Acquire());
    auto result = FindSessionOn(*reader, session_id);
    Release(std::move(reader));
    return result;
  }

  absl::StatusOr<std::vector<v1::InfusionSession>> ListSessions(
      const SessionFilter& f) override {
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    KIP_ASSIGN_OR_RETURN(
        r,
        Read(
            absl::StrCat(
                "SELECT ", kSessionColumns,
                " FROM sessions WHERE ($1 = '' OR study_id = $1) AND "
                "($2 = '' OR patient_id = $2) AND ($3 = '' OR site_id = $3) "
                "AND "
                "($4 = '' OR course_id = $4) AND start_us >= $5 AND start_us < "
                "$6 "
                "AND (start_us > $7 OR (start_us = $7 AND session_id > $8)) "
                "ORDER BY start_us, session_id LIMIT $9"),
            {PgParam::Text(f.study_id), PgParam::Text(f.patient_id),
             PgParam::Text(f.site_id), PgParam::Text(f.course_id),
             PgParam::Int(f.started_after ? absl::ToUnixMicros(*f.started_after)
                                          : kMin),
             PgParam::Int(f.started_before
                              ? absl::ToUnixMicros(*f.started_before)
                              : kMax),
             PgParam::Int(f.after ? absl::ToUnixMicros(f.after->first) : kMin),
             PgParam::Text(f.after ? f.after->second : ""),
             PgParam::Int(f.limit)}));
    std::vector<v1::InfusionSession> sessions;
    for (int i = 0; i < r.rows(); ++i) {
      KIP_ASSIGN_OR_RETURN(session, SessionAt(r, i));
      sessions.push_back(std::move(session));
    }
    return sessions;
  }

  absl::StatusOr<std::vector<StoredEventRow>> SessionEvents(
      const std::string& session_id) override {
    return Events(absl::StrCat("SELECT ", kEventColumns,
                               " FROM events WHERE session_id = $1 "
                               "ORDER BY session_sequence"),
                  {PgParam::Text(session_id)});
  }

  absl::StatusOr<std::vector<StoredEventRow>> EventsFrom(
      int64_t from_index, const std::string& study_id, int limit) override {
    return Events(
        "SELECT e.session_sequence, e.global_index, e.event_id, e.hash_hex, "
        "e.record FROM events e WHERE e.global_index >= $1 AND ($2 = '' OR "
        "e.session_id IN (SELECT session_id FROM sessions WHERE study_id = "
        "$2)) "
        "ORDER BY e.global_index LIMIT $3",
        {PgParam::Int(from_index), PgParam::Text(study_id),
         PgParam::Int(limit)});
  }

  absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> LeafHashesFrom(
      int64_t from_index) override {
    KIP_ASSIGN_OR_RETURN(r,
                         Read("SELECT global_index, hash_hex FROM events WHERE "
                              "global_index >= $1 ORDER BY global_index",
                              {PgParam::Int(from_index)}));
    std::vector<std::pair<int64_t, std::string>> leaves;
    for (int i = 0; i < r.rows(); ++i)
      leaves.emplace_back(r.Int(i, 0), r.Text(i, 1));
    return leaves;
  }

  absl::Status InsertCheckpoint(const SignedCheckpoint& c) override {
    return Write(
        "INSERT INTO checkpoints (tree_size, root_hash_hex, time_us, "
        "signature, "
        "algorithm) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tree_size) DO "
        "NOTHING",
        {PgParam::Int(c.tree_size), PgParam::Text(c.root_hash_hex),
         PgParam::Int(absl::ToUnixMicros(c.time)), PgParam::Bytes(c.signature),
         PgParam::Text(c.algorithm)});
  }

  absl::StatusOr<std::optional<SignedCheckpoint>> LatestCheckpoint() override {
    KIP_ASSIGN_OR_RETURN(
        r, Read("SELECT tree_size, root_hash_hex, time_us, signature, "
                "algorithm FROM checkpoints ORDER BY tree_size DESC "
                "LIMIT 1",
                {}));
    if (r.rows() == 0) return std::nullopt;
    return SignedCheckpoint{r.Int(0, 0), r.Text(0, 1),
                            absl::FromUnixMicros(r.Int(0, 2)), r.Bytes(0, 3),
                            r.Text(0, 4)};
  }

  absl::Status AppendReadAudit(const v1::ReadAuditEntry& entry) override {
    return Write("INSERT INTO read_audit (record) VALUES ($1)",
                 {PgParam::Bytes(CanonicalBytes(entry))});
  }

  absl::StatusOr<std::vector<std::pair<int64_t, v1::ReadAuditEntry>>>
  ListReadAudit(int64_t before_id, int limit) override {
    KIP_ASSIGN_OR_RETURN(r,
                         Read("SELECT id, record FROM read_audit WHERE "
                              "($1 = 0 OR id < $1) ORDER BY id DESC LIMIT $2",
                              {PgParam::Int(before_id), PgParam::Int(limit)}));
    std::vector<std::pair<int64_t, v1::ReadAuditEntry>> entries;
    for (int i = 0; i < r.rows(); ++i) {
      KIP_ASSIGN_OR_RETURN(
          entry, ParseRecord<v1::ReadAuditEntry>(r.Bytes(i, 1), "audit entry"));
      entries.emplace_back(r.Int(i, 0), std::move(entry));
    }
    return entries;
  }

 private:
  absl::StatusOr<std::unique_ptr<PgConn>> Acquire() {
    {
      absl::MutexLock lock(&pool_mu_);
      if (!pool_.empty()) {
        std::unique_ptr<PgConn> conn = std::move(pool_.back());
        pool_.pop_back();
        return conn;
      }
    }
    return OpenConnection(dsn_);
  }
  void Release(std::unique_ptr<PgConn> conn) {
    absl::MutexLock lock(&pool_mu_);
    pool_.push_back(std::move(conn));
  }
  absl::StatusOr<PgResult> Read(absl::string_view sql, const Params& params) {
    KIP_ASSIGN_OR_RETURN(conn, Acquire());
    absl::StatusOr<PgResult> result = conn->Exec(sql, params);
    Release(std::move(conn));
    return result;
  }
  absl::Status Write(absl::string_view sql, const Params& params) {
    absl::MutexLock lock(&writer_mu_);
    return writer_->Exec(sql, params).status();
  }
  template <typename Proto>
  absl::StatusOr<std::optional<Proto>> FindOne(absl::string_view sql,
                                               const Params& params,
                                               absl::string_view what) {
    KIP_ASSIGN_OR_RETURN(r, Read(sql, params));
    if (r.rows() == 0) return std::nullopt;
    KIP_ASSIGN_OR_RETURN(proto, ParseRecord<Proto>(r.Bytes(0, 0), what));
    return proto;
  }
  absl::StatusOr<std::vector<StoredEventRow>> Events(absl::string_view sql,
                                                     const Params& params) {
    KIP_ASSIGN_OR_RETURN(r, Read(sql, params));
    std::vector<StoredEventRow> rows;
    for (int i = 0; i < r.rows(); ++i) rows.push_back(EventAt(r, i));
    return rows;
  }

  const std::string dsn_;
  absl::Mutex writer_mu_;
  std::unique_ptr<PgConn> writer_ ABSL_GUARDED_BY(writer_mu_);
  absl::Mutex pool_mu_;
  std::vector<std::unique_ptr<PgConn>> pool_ ABSL_GUARDED_BY(pool_mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<EventStore>> OpenPostgresEventStore(
    const std::string& dsn) {
  KIP_ASSIGN_OR_RETURN(conn, OpenConnection(dsn));
  KIP_RETURN_IF_ERROR(Migrate(*conn));
  return std::unique_ptr<EventStore>(
      new PostgresEventStore(dsn, std::move(conn)));
}

}  // namespace kip::sessions
