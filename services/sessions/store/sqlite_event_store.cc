#include "services/sessions/store/sqlite_event_store.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/common/status_macros.h"
#include "services/sessions/log/event_chain.h"
#include "services/sessions/store/row_codec.h"
#include "services/sessions/store/sqlite_db.h"

namespace kip::sessions {
namespace {

// Forward-only migrations; index i brings the schema to version i + 1.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE studies (id TEXT PRIMARY KEY, record BLOB NOT NULL);
CREATE TABLE patients (
  study_id TEXT NOT NULL, patient_id TEXT NOT NULL, site_id TEXT NOT NULL,
  record BLOB NOT NULL, PRIMARY KEY (study_id, patient_id));
CREATE TABLE sessions (
  session_id TEXT PRIMARY KEY, study_id TEXT NOT NULL,
  patient_id TEXT NOT NULL, site_id TEXT NOT NULL, course_id TEXT NOT NULL,
  start_us INTEGER NOT NULL, end_us INTEGER,
  event_count INTEGER NOT NULL DEFAULT 0, head_hash_hex TEXT NOT NULL DEFAULT '',
  record BLOB NOT NULL);
CREATE INDEX sessions_by_start ON sessions (start_us, session_id);
CREATE INDEX sessions_by_patient ON sessions (study_id, patient_id, start_us);
CREATE TABLE events (
  global_index INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE,
  session_id TEXT NOT NULL REFERENCES sessions (session_id),
  session_sequence INTEGER NOT NULL, device_us INTEGER NOT NULL,
  content_digest_hex TEXT NOT NULL, hash_hex TEXT NOT NULL,
  record BLOB NOT NULL, UNIQUE (session_id, session_sequence));
CREATE TABLE checkpoints (
  tree_size INTEGER PRIMARY KEY, root_hash_hex TEXT NOT NULL,
  time_us INTEGER NOT NULL, signature BLOB NOT NULL, algorithm TEXT NOT NULL);
CREATE TABLE read_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, record BLOB NOT NULL);
)sql",
};

absl::Status Migrate(SqliteDb& db) {
  KIP_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
              "version INTEGER PRIMARY KEY, applied_us INTEGER NOT NULL)"));
  KIP_ASSIGN_OR_RETURN(current,
                       db.QueryText("SELECT COALESCE(MAX(version), 0) FROM "
                                    "schema_migrations"));
  const int version = std::stoi(current.empty() ? "0" : current);
  const int latest = static_cast<int>(std::size(kMigrations));
  if (version > latest) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database schema version ", version, " is newer than this server (",
        latest, "); upgrade the server"));
  }
  for (int v = version; v < latest; ++v) {
    KIP_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    absl::Status status = db.Exec(kMigrations[v]);
    if (status.ok()) {
      status =
          db.Exec(absl::StrCat("INSERT INTO schema_migrations VALUES (", v + 1,
                               ", ", absl::ToUnixMicros(absl::Now()), ")"));
    }
    if (!status.ok()) {
      db.Exec("ROLLBACK").IgnoreError();
      return status;
    }
    KIP_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<SqliteDb>> OpenConnection(
    const std::string& path) {
  KIP_ASSIGN_OR_RETURN(db, SqliteDb::Open(path));
  KIP_ASSIGN_OR_RETURN(mode, db->QueryText("PRAGMA journal_mode=WAL"));
  if (mode != "wal") {
    return absl::FailedPreconditionError(absl::StrCat(
        "sqlite ", path, ": journal_mode is '", mode, "', WAL is required"));
  }
  KIP_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL"));
  KIP_ASSIGN_OR_RETURN(sync, db->QueryText("PRAGMA synchronous"));
  if (sync != "2") {
    return absl::FailedPreconditionError(absl::StrCat(
        "sqlite ", path, ": synchronous is ", sync, ", FULL (2) is required"));
  }
  KIP_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  return std::move(db);
}

v1::InfusionSession SessionFromRow(SqliteStatement& stmt, int first_column,
                                   absl::Status& status) {
  // Columns: record, event_count, head_hash_hex, end_us.
  absl::StatusOr<v1::InfusionSession> session =
      ParseRecord<v1::InfusionSession>(stmt.Text(first_column), "session");
  if (!session.ok()) {
    status = session.status();
    return {};
  }
  session->set_event_count(stmt.Int(first_column + 1));
  session->set_head_hash_hex(stmt.Text(first_column + 2));
  if (!stmt.IsNull(first_column + 3)) {
    *session->mutable_end_time() =
        MicrosToTimestamp(stmt.Int(first_column + 3));
  }
  return *session;
}

constexpr char kSessionColumns[] = "record, event_count, head_hash_hex, end_us";
constexpr char kEventColumns[] =
    "session_sequence, global_index, event_id, hash_hex, record";

StoredEventRow EventFromRow(SqliteStatement& stmt) {
  return StoredEventRow{stmt.Int(0), stmt.Int(1), stmt.Text(2), stmt.Text(3),
                        stmt.Text(4)};
}

class SqliteWriteTransaction final : public WriteTransaction {
 public:
  explicit SqliteWriteTransaction(SqliteDb& db) : db_(db) {}

  absl::StatusOr<std::optional<EventRecordRow>> FindEvent(
      const std::string& event_id) override {
    KIP_ASSIGN_OR_RETURN(
        stmt, db_.Cached(absl::StrCat("SELECT ", kEventColumns,
                                      ", content_digest_hex FROM events "
                                      "WHERE event_id = ?")));
    stmt->Bind(1, event_id);
    KIP_ASSIGN_OR_RETURN(row, stmt->Step());
    if (!row) return std::nullopt;
    EventRecordRow found{EventFromRow(*stmt), stmt->Text(5)};
    stmt->Reset();
    return found;
  }

  absl::StatusOr<std::optional<v1::InfusionSession>> FindSession(
      const std::string& session_id) override {
    KIP_ASSIGN_OR_RETURN(
        stmt, db_.Prepare(absl::StrCat("SELECT ", kSessionColumns,
                                       " FROM sessions WHERE session_id = ?")));
    stmt.Bind(1, session_id);
    KIP_ASSIGN_OR_RETURN(row, stmt.Step());
    if (!row) return std::nullopt;
    absl::Status status;
    v1::InfusionSession session = SessionFromRow(stmt, 0, status);
    if (!status.ok()) return status;
    return session;
  }

  absl::StatusOr<int64_t> NextGlobalIndex() override {
    KIP_ASSIGN_OR_RETURN(
        text, db_.QueryText("SELECT COALESCE(MAX(global_index) + 1, 0) "
                            "FROM events"));
    return std::stoll(text);
  }

  absl::Status InsertEvent(const v1::Event& event,
                           const std::string& content_digest_hex,
                           const std::string& record) override {
    KIP_ASSIGN_OR_RETURN(
        stmt, db_.Cached("INSERT INTO events (global_index, event_id, "
                         "session_id, session_sequence, device_us, "
                         "content_digest_hex, hash_hex, record) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt->Bind(1, event.global_index())
        .Bind(2, event.event_id())
        .Bind(3, event.session_id())
        .Bind(4, event.session_sequence())
        .Bind(5, TimestampMicros(event.device_time()))
        .Bind(6, content_digest_hex)
        .Bind(7, event.hash_hex())
        .BindBlob(8, record);
    return stmt->Run();
  }

  absl::Status UpdateSessionHead(const std::string& session_id,
                                 int64_t event_count,
                                 const std::string& head_hash_hex,
                                 std::optional<absl::Time> end_time) override {
    KIP_ASSIGN_OR_RETURN(
        stmt, db_.Prepare("UPDATE sessions SET event_count = ?, "
                          "head_hash_hex = ?, end_us = COALESCE(?, end_us) "
                          "WHERE session_id = ?"));
    stmt.Bind(1, event_count).Bind(2, head_hash_hex).Bind(4, session_id);
    if (end_time) {
      stmt.Bind(3, absl::ToUnixMicros(*end_time));
    } else {
      stmt.BindNull(3);
    }
    return stmt.Run();
  }

  absl::Status Savepoint() override { return db_.Exec("SAVEPOINT batch"); }
  absl::Status ReleaseSavepoint() override {
    return db_.Exec("RELEASE SAVEPOINT batch");
  }
  absl::Status RollbackToSavepoint() override {
    KIP_RETURN_IF_ERROR(db_.Exec("ROLLBACK TO SAVEPOINT batch"));
    return db_.Exec("RELEASE SAVEPOINT batch");
  }

 private:
  SqliteDb& db_;
};

class SqliteEventStore final : public EventStore {
 public:
  SqliteEventStore(std::string path, std::unique_ptr<SqliteDb> writer)
      : path_(std::move(path)), writer_(std::move(writer)) {}

  std::string backend_name() const override { return "sqlite"; }

  absl::Status RunInTransaction(
      absl::FunctionRef<absl::Status(WriteTransaction&)> body) override {
    absl::MutexLock lock(&writer_mu_);
    KIP_RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
    SqliteWriteTransaction txn(*writer_);
    absl::Status status = body(txn);
    if (status.ok()) status = writer_->Exec("COMMIT");
    if (!status.ok()) writer_->Exec("ROLLBACK").IgnoreError();
    return status;
  }

  absl::Status InsertStudy(const v1::Study& study) override {
    return Write("INSERT INTO studies (id, record) VALUES (?, ?)",
                 [&](SqliteStatement& s) {
                   s.Bind(1, study.id()).BindBlob(2, CanonicalBytes(study));
                 });
  }

  absl::StatusOr<std::optional<v1::Study>> FindStudy(
      const std::string& study_id) override {
    return FindOne<v1::Study>("SELECT record FROM studies WHERE id = ?",
                              {study_id}, "study");
  }

  absl::StatusOr<std::vector<v1::Study>> ListStudies(
      const std::string& after_id, int limit) override {
    Reader reader(*this);
    if (!reader.ok()) return reader.status();
    KIP_ASSIGN_OR_RETURN(stmt, reader->Prepare("SELECT record FROM studies "
                                               "WHERE id > ? ORDER BY id "
                                               "LIMIT ?"));
    stmt.Bind(1, after_id).Bind(2, static_cast<int64_t>(limit));
    std::vector<v1::Study> studies;
    while (true) {
      KIP_ASSIGN_OR_RETURN(row, stmt.Step());
      if (!row) break;
      KIP_ASSIGN_OR_RETURN(study,
                           ParseRecord<v1::Study>(stmt.Text(0), "study"));
      studies.push_back(std::move(study));
    }
    return studies;
  }

  absl::Status InsertPatient(const v1::Patient& patient) override {
    return Write(
        "INSERT INTO patients (study_id, patient_id, site_id, record) "
        "VALUES (?, ?, ?, ?)",
        [&](SqliteStatement& s) {
          s.Bind(1, patient.study_id())
              .Bind(2, patient.patient_id())
              .Bind(3, patient.site_id())
              .BindBlob(4, CanonicalBytes(patient));
        });
  }

  absl::StatusOr<std::optional<v1::Patient>> FindPatient(
      const std::string& study_id, const std::string& patient_id) override {
    return FindOne<v1::Patient>(
        "SELECT record FROM patients WHERE study_id = ? AND patient_id = ?",
        {study_id, patient_id}, "patient");
  }

  absl::StatusOr<std::vector<v1::Patient>> ListPatients(
      const std::string& study_id) override {
    Reader reader(*this);
    if (!reader.ok()) return reader.status();
    KIP_ASSIGN_OR_RETURN(stmt, reader->Prepare("SELECT record FROM patients "
                                               "WHERE study_id = ? ORDER BY "
                                               "patient_id"));
    stmt.Bind(1, study_id);
    std::vector<v1::Patient> patients;
    while (true) {
      KIP_ASSIGN_OR_RETURN(row, stmt.Step());
      if (!row) break;
      KIP_ASSIGN_OR_RETURN(patient,
                           ParseRecord<v1::Patient>(stmt.Text(0), "patient"));
      patients.push_back(std::move(patient));
    }
    return patients;
  }

  absl::Status InsertSession(const v1::InfusionSession& session) override {
    return Write(
        "INSERT INTO sessions (session_id, study_id, patient_id, site_id, "
        "course_id, start_us, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [&](SqliteStatement& s) {
          s.Bind(1, session.session_id())
              .Bind(2, session.study_id())
              .Bind(3, session.patient_id())
              .Bind(4, session.site_id())
              .Bind(5, session.course_id())
              .Bind(6, TimestampMicros(session.start_time()))
              .BindBlob(7, CanonicalBytes(session));
        });
  }

  absl::StatusOr<std::optional<v1::InfusionSession>> FindSession(
      const std::string& session_id) override {
    Reader reader(*this);
    if (!reader.ok()) return reader.status();
    SqliteWriteTransaction view(*reader.db());
    return view.FindSession(session_id);
  }

  absl::StatusOr<std::vector<v1::InfusionSession>> ListSessions(
      const SessionFilter& filter) override {
    Reader reader(*this);
    if (!reader.ok()) return reader.status();
    // Empty filters match everything: (? = '' OR column = ?).
    KIP_ASSIGN_OR_RETURN(
        stmt,
        reader->Prepare(absl::StrCat(
            "SELECT ", kSessionColumns,
            ", start_us, session_id FROM sessions WHERE "
            "(?1 = '' OR study_id = ?1) AND (?2 = '' OR patient_id = ?2) AND "
            "(?3 = '' OR site_id = ?3) AND (?4 = '' OR course_id = ?4) AND "
            "start_us >= ?5 AND start_us < ?6 AND "
            "(start_us > ?7 OR (start_us = ?7 AND session_id > ?8)) "
            "ORDER BY start_us, session_id LIMIT ?9")));
    stmt.Bind(1, filter.study_id)
        .Bind(2, filter.patient_id)
        .Bind(3, filter.site_id)
        .Bind(4, filter.course_id)
        .Bind(5, filter.started_after
                     ? absl::ToUnixMicros(*filter.started_after)
                     : std::numeric_limits<int64_t>::min())
        .Bind(6, filter.started_before
                     ? absl::ToUnixMicros(*filter.started_before)
                     : std::numeric_limits<int64_t>::max())
        .Bind(7, filter.after ? absl::ToUnixMicros(filter.after->first)
                              : std::numeric_limits<int64_t>::min())
        .Bind(8, filter.after ? filter.after->second : std::string())
        .Bind(9, static_cast<int64_t>(filter.limit));
    std::vector<v1::InfusionSession> sessions;
    while (true) {
      KIP_ASSIGN_OR_RETURN(row, stmt.Step());
      if (!row) break;
      absl::Status status;
      sessions.push_back(SessionFromRow(stmt, 0, status));
      KIP_RETURN_IF_ERROR(status);
    }
    return sessions;
  }

  absl::StatusOr<std::vector<StoredEventRow>> SessionEvents(
      const std::string& session_id) override {
    return Events(absl::StrCat("SELECT ", kEventColumns,
                               " FROM events WHERE session_id = ? "
                               "ORDER BY session_sequence"),
                  [&](SqliteStatement& s) { s.Bind(1, session_id); });
  }

  absl::StatusOr<std::vector<StoredEventRow>> EventsFrom(
      int64_t from_index, const std::string& study_id, int limit) override {
    return Events(
        absl::StrCat("SELECT e.session_sequence, e.global_index, e.event_id, "
                     "e.hash_hex, e.record FROM events e WHERE "
                     "e.global_index >= ?1 AND (?2 = '' OR e.session_id IN "
                     "(SELECT session_id FROM sessions WHERE study_id = ?2)) "
                     "ORDER BY e.global_index LIMIT ?3"),
        [&](SqliteStatement& s) {
          s.Bind(1, from_index)
              .Bind(2, study_id)
              .Bind(3, static_cast<int64_t>(limit));
        });
  }

  absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> LeafHashesFrom(
      int64_t from_index) override {
    Reader reader(*this);
    if (!reader.ok()) return reader.status();
    KIP_ASSIGN_OR_RETURN(
        stmt, reader->Prepare("SELECT global_index, hash_hex FROM events "
                              "WHERE global_index >= ? ORDER BY global_index"));
    stmt.Bind(1, from_index);
    std::vector<std::pair<int64_t, std::string>> leaves;
    while (true) {
      KIP_ASSIGN_OR_RETURN(row, stmt.Step());
      if (!row) break;
      leaves.emplace_back(stmt.Int(0), stmt.Text(1));
    }
    return leaves;
  }

  absl::Status InsertCheckpoint(const SignedCheckpoint& c) override {
    return Write(
        "INSERT OR IGNORE INTO checkpoints (tree_size, root_hash_hex, time_us, "
        "signature, algorithm) VALUES (?, ?, ?, ?, ?)",
        [&](SqliteStatement& s) {
          s.Bind(1, c.tree_size)
              .Bind(2, c.root_hash_hex)
              .Bind(3, absl::ToUnixMicros(c.time))
              .BindBlob(4, c.signature)
              .Bind(5, c.algorithm);
        });
  }

  absl::StatusOr<std::optional<SignedCheckpoint>> LatestCheckpoint() override {
    Reader reader(*this);
    if (!reader.ok()) return reader.status();
    KIP_ASSIGN_OR_RETURN(
        stmt, reader->Prepare("SELECT tree_size, root_hash_hex, time_us, "
                              "signature, algorithm FROM checkpoints ORDER BY "
                              "tree_size DESC LIMIT 1"));
    KIP_ASSIGN_OR_RETURN(row, stmt.Step());
    if (!row) return std::nullopt;
    return SignedCheckpoint{stmt.Int(0), stmt.Text(1),
                            absl::FromUnixMicros(stmt.Int(2)), stmt.Text(3),
                            stmt.Text(4)};
  }

  absl::Status AppendReadAudit(const v1::ReadAuditEntry& entry) override {
    return Write(
        "INSERT INTO read_audit (record) VALUES (?)",
        [&](SqliteStatement& s) { s.BindBlob(1, CanonicalBytes(entry)); });
  }

  absl::StatusOr<std::vector<std::pair<int64_t, v1::ReadAuditEntry>>>
  ListReadAudit(int64_t before_id, int limit) override {
    Reader reader(*this);
    if (!reader.ok()) return reader.status();
    KIP_ASSIGN_OR_RETURN(
        stmt, reader->Prepare("SELECT id, record FROM read_audit WHERE "
                              "(?1 = 0 OR id < ?1) ORDER BY id DESC LIMIT ?2"));
    stmt.Bind(1, before_id).Bind(2, static_cast<int64_t>(limit));
    std::vector<std::pair<int64_t, v1::ReadAuditEntry>> entries;
    while (true) {
      KIP_ASSIGN_OR_RETURN(row, stmt.Step());
      if (!row) break;
      KIP_ASSIGN_OR_RETURN(
          entry, ParseRecord<v1::ReadAuditEntry>(stmt.Text(1), "audit entry"));
      entries.emplace_back(stmt.Int(0), std::move(entry));
    }
    return entries;
  }

 private:
  // A pooled reader connection, returned to the pool on scope exit.
  class Reader {
   public:
    explicit Reader(SqliteEventStore& store) : store_(store) {
      {
        absl::MutexLock lock(&store_.pool_mu_);
        if (!store_.pool_.empty()) {
          db_ = std::move(store_.pool_.back());
          store_.pool_.pop_back();
        }
      }
      if (!db_) {
        absl::StatusOr<std::unique_ptr<SqliteDb>> db =
            OpenConnection(store_.path_);
        if (db.ok()) {
          db_ = std::move(*db);
        } else {
          status_ = db.status();
        }
      }
    }
    ~Reader() {
      if (!db_) return;
      absl::MutexLock lock(&store_.pool_mu_);
      store_.pool_.push_back(std::move(db_));
    }
    bool ok() const { return db_ != nullptr; }
    absl::Status status() const { return status_; }
    SqliteDb* db() { return db_.get(); }
    SqliteDb* operator->() { return db_.get(); }

   private:
    SqliteEventStore& store_;
    std::unique_ptr<SqliteDb> db_;
    absl::Status status_;
  };

  template <typename BindFn>
  absl::Status Write(absl::string_view sql, BindFn bind) {
    absl::MutexLock lock(&writer_mu_);
    KIP_ASSIGN_OR_RETURN(stmt, writer_->Prepare(sql));
    bind(stmt);
    return stmt.Run();
  }

  template <typename Proto>
  absl::StatusOr<std::optional<Proto>> FindOne(
      absl::string_view sql, const std::vector<std::string>& keys,
      absl::string_view what) {
    Reader reader(*this);
    if (!reader.ok()) return reader.status();
    KIP_ASSIGN_OR_RETURN(stmt, reader->Prepare(sql));
    for (size_t i = 0; i < keys.size(); ++i) {
      stmt.Bind(static_cast<int>(i) + 1, keys[i]);
    }
    KIP_ASSIGN_OR_RETURN(row, stmt.Step());
    if (!row) return std::nullopt;
    KIP_ASSIGN_OR_RETURN(proto, ParseRecord<Proto>(stmt.Text(0), what));
    return proto;
  }

  template <typename BindFn>
  absl::StatusOr<std::vector<StoredEventRow>> Events(const std::string& sql,
                                                     BindFn bind) {
    Reader reader(*this);
    if (!reader.ok()) return reader.status();
    KIP_ASSIGN_OR_RETURN(stmt, reader->Prepare(sql));
    bind(stmt);
    std::vector<StoredEventRow> rows;
    while (true) {
      KIP_ASSIGN_OR_RETURN(row, stmt.Step());
      if (!row) break;
      rows.push_back(EventFromRow(stmt));
    }
    return rows;
  }

  const std::string path_;
  absl::Mutex writer_mu_;
  std::unique_ptr<SqliteDb> writer_ ABSL_GUARDED_BY(writer_mu_);
  absl::Mutex pool_mu_;
  std::vector<std::unique_ptr<SqliteDb>> pool_ ABSL_GUARDED_BY(pool_mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<EventStore>> OpenSqliteEventStore(
    const std::string& path) {
  KIP_ASSIGN_OR_RETURN(db, OpenConnection(path));
  KIP_RETURN_IF_ERROR(Migrate(*db));
  return std::unique_ptr<EventStore>(new SqliteEventStore(path, std::move(db)));
}

}  // namespace kip::sessions
