#include "services/sessions/store/sqlite_event_store.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/sqlite_db.h"
#include "base/status_macros.h"
#include "services/sessions/log/event_chain.h"
#include "services/sessions/store/row_codec.h"
#include "services/sessions/store/sqlite_schema.h"
#include "services/sessions/store/sqlite_write_transaction.h"

namespace kip::sessions {
namespace {

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

  absl::Status InsertSealedStudy(const v1::Study& study,
                                 const std::string& sealed_seed) override {
    return Write(
        "INSERT INTO studies (id, record, sealed_seed) VALUES (?, ?, ?)",
        [&](SqliteStatement& s) {
          s.Bind(1, study.id())
              .BindBlob(2, CanonicalBytes(study))
              .BindBlob(3, sealed_seed);
        });
  }

  absl::StatusOr<std::optional<std::string>> FindSealedSeed(
      const std::string& study_id) override {
    Reader reader(*this);
    if (!reader.ok()) return reader.status();
    KIP_ASSIGN_OR_RETURN(stmt,
                         reader->Prepare("SELECT sealed_seed FROM studies "
                                         "WHERE id = ? AND sealed_seed "
                                         "IS NOT NULL"));
    stmt.Bind(1, study_id);
    KIP_ASSIGN_OR_RETURN(row, stmt.Step());
    if (!row) return std::nullopt;
    return stmt.Text(0);
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
    absl::MutexLock lock(&writer_mu_);
    return InsertPatientRow(patient);
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
            "SELECT ", kSqliteSessionColumns,
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
      KIP_ASSIGN_OR_RETURN(session, SqliteSessionFromRow(stmt, 0));
      sessions.push_back(std::move(session));
    }
    return sessions;
  }

  absl::StatusOr<std::vector<StoredEventRow>> SessionEvents(
      const std::string& session_id, int64_t after_sequence) override {
    return Events(absl::StrCat("SELECT ", kSqliteEventColumns,
                               " FROM events WHERE session_id = ? AND "
                               "session_sequence > ? ORDER BY session_sequence"),
                  [&](SqliteStatement& s) {
                    s.Bind(1, session_id).Bind(2, after_sequence);
                  });
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

  absl::StatusOr<std::vector<TrialLogRow>> ListTrialLog(
      const std::string& study_id, int64_t after_sequence) override {
    Reader reader(*this);
    if (!reader.ok()) return reader.status();
    KIP_ASSIGN_OR_RETURN(stmt,
                         reader->Prepare("SELECT sequence, patient_id, "
                                         "hash_hex, record FROM "
                                         "trial_log WHERE study_id = ? AND "
                                         "sequence > ? ORDER BY sequence"));
    stmt.Bind(1, study_id).Bind(2, after_sequence);
    std::vector<TrialLogRow> rows;
    while (true) {
      KIP_ASSIGN_OR_RETURN(row, stmt.Step());
      if (!row) break;
      rows.push_back({stmt.Int(0), stmt.Text(1), stmt.Text(2), stmt.Text(3)});
    }
    return rows;
  }

  absl::Status AppendTrialLog(const std::string& study_id,
                              const TrialLogRow& row,
                              const v1::Patient* patient) override {
    absl::MutexLock lock(&writer_mu_);
    KIP_RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
    absl::Status status = InsertTrialRow(study_id, row);
    if (status.ok() && patient != nullptr) status = InsertPatientRow(*patient);
    if (status.ok()) status = writer_->Exec("COMMIT");
    if (!status.ok()) writer_->Exec("ROLLBACK").IgnoreError();
    return status;
  }

  absl::StatusOr<std::vector<std::string>> StudiesInTrialLog(
      const std::string& patient_id) override {
    Reader reader(*this);
    if (!reader.ok()) return reader.status();
    KIP_ASSIGN_OR_RETURN(stmt, reader->Prepare("SELECT DISTINCT study_id FROM "
                                               "trial_log WHERE patient_id = ? "
                                               "ORDER BY study_id"));
    stmt.Bind(1, patient_id);
    std::vector<std::string> studies;
    while (true) {
      KIP_ASSIGN_OR_RETURN(row, stmt.Step());
      if (!row) break;
      studies.push_back(stmt.Text(0));
    }
    return studies;
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
  absl::Status InsertPatientRow(const v1::Patient& patient)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_) {
    KIP_ASSIGN_OR_RETURN(
        stmt, writer_->Prepare("INSERT INTO patients (study_id, patient_id, "
                               "site_id, record) VALUES (?, ?, ?, ?)"));
    stmt.Bind(1, patient.study_id())
        .Bind(2, patient.patient_id())
        .Bind(3, patient.site_id())
        .BindBlob(4, CanonicalBytes(patient));
    return stmt.Run();
  }
  absl::Status InsertTrialRow(const std::string& study_id,
                              const TrialLogRow& row)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_) {
    KIP_ASSIGN_OR_RETURN(
        stmt, writer_->Prepare("INSERT INTO trial_log (study_id, sequence, "
                               "patient_id, hash_hex, record) VALUES (?, ?, "
                               "?, ?, ?)"));
    stmt.Bind(1, study_id)
        .Bind(2, row.sequence)
        .Bind(3, row.patient_id)
        .Bind(4, row.hash_hex)
        .BindBlob(5, row.record);
    return stmt.Run();
  }

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
            OpenSqliteConnection(store_.path_);
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
      rows.push_back(SqliteEventFromRow(stmt));
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
  KIP_ASSIGN_OR_RETURN(db, OpenSqliteConnection(path));
  KIP_RETURN_IF_ERROR(MigrateSqliteSchema(*db));
  return std::unique_ptr<EventStore>(new SqliteEventStore(path, std::move(db)));
}

}  // namespace kip::sessions
