#include "services/sessions/store/postgres_event_store.h"

#include <limits>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/status_macros.h"
#include "services/sessions/log/event_chain.h"
#include "services/sessions/store/pg_conn.h"
#include "services/sessions/store/postgres_schema.h"
#include "services/sessions/store/postgres_write_transaction.h"
#include "services/sessions/store/row_codec.h"

namespace kip::sessions {
namespace {

using Params = std::vector<PgParam>;

class PostgresEventStore final : public EventStore {
 public:
  PostgresEventStore(std::string dsn, std::unique_ptr<PgConn> writer)
      : dsn_(std::move(dsn)), writer_(std::move(writer)) {}

  std::string backend_name() const override { return "postgres"; }

  absl::Status RunInTransaction(
      absl::FunctionRef<absl::Status(WriteTransaction&)> body) override {
    absl::MutexLock lock(&writer_mu_);
    KIP_RETURN_IF_ERROR(writer_->Run("BEGIN"));
    std::unique_ptr<WriteTransaction> txn = NewPgWriteTransaction(*writer_);
    absl::Status status = body(*txn);
    if (status.ok()) status = writer_->Run("COMMIT");
    if (!status.ok()) writer_->Run("ROLLBACK").IgnoreError();
    return status;
  }

  absl::Status InsertStudy(const v1::Study& study) override {
    return Write(
        "INSERT INTO studies (id, record) VALUES ($1, $2)",
        {PgParam::Text(study.id()), PgParam::Bytes(CanonicalBytes(study))});
  }

  absl::Status InsertSealedStudy(const v1::Study& study,
                                 const std::string& sealed_seed) override {
    return Write(
        "INSERT INTO studies (id, record, sealed_seed) VALUES ($1, $2, $3)",
        {PgParam::Text(study.id()), PgParam::Bytes(CanonicalBytes(study)),
         PgParam::Bytes(sealed_seed)});
  }

  absl::StatusOr<std::optional<std::string>> FindSealedSeed(
      const std::string& study_id) override {
    KIP_ASSIGN_OR_RETURN(r, Read("SELECT sealed_seed FROM studies WHERE id = "
                                 "$1 AND sealed_seed IS NOT NULL",
                                 {PgParam::Text(study_id)}));
    if (r.rows() == 0) return std::nullopt;
    return r.Bytes(0, 0);
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
    return PgRecords<v1::Study>(r, "study");
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
    return PgRecords<v1::Patient>(r, "patient");
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
    auto result = FindPgSession(*reader, session_id);
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
                "SELECT ", kPgSessionColumns,
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
      KIP_ASSIGN_OR_RETURN(session, PgSessionAt(r, i));
      sessions.push_back(std::move(session));
    }
    return sessions;
  }

  absl::StatusOr<std::vector<StoredEventRow>> SessionEvents(
      const std::string& session_id, int64_t after_sequence) override {
    return Events(absl::StrCat("SELECT ", kPgEventColumns,
                               " FROM events WHERE session_id = $1 AND "
                               "session_sequence > $2 ORDER BY session_sequence"),
                  {PgParam::Text(session_id), PgParam::Int(after_sequence)});
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

  absl::StatusOr<std::vector<TrialLogRow>> ListTrialLog(
      const std::string& study_id, int64_t after_sequence) override {
    KIP_ASSIGN_OR_RETURN(
        r, Read("SELECT sequence, patient_id, hash_hex, "
                "record FROM trial_log WHERE study_id = $1 "
                "AND sequence > $2 ORDER BY sequence",
                {PgParam::Text(study_id), PgParam::Int(after_sequence)}));
    std::vector<TrialLogRow> rows;
    for (int i = 0; i < r.rows(); ++i) {
      rows.push_back({r.Int(i, 0), r.Text(i, 1), r.Text(i, 2), r.Bytes(i, 3)});
    }
    return rows;
  }

  absl::Status AppendTrialLog(const std::string& study_id,
                              const TrialLogRow& row,
                              const v1::Patient* patient) override {
    // One statement, so one transaction: the log row and the patient row are
    // written together or not at all.
    const Params trial = {PgParam::Text(study_id), PgParam::Int(row.sequence),
                          PgParam::Text(row.patient_id),
                          PgParam::Text(row.hash_hex),
                          PgParam::Bytes(row.record)};
    if (patient == nullptr) {
      return Write(
          "INSERT INTO trial_log (study_id, sequence, patient_id, hash_hex, "
          "record) VALUES ($1, $2, $3, $4, $5)",
          trial);
    }
    Params both = trial;
    both.push_back(PgParam::Text(patient->site_id()));
    both.push_back(PgParam::Bytes(CanonicalBytes(*patient)));
    return Write(
        "WITH logged AS (INSERT INTO trial_log (study_id, sequence, "
        "patient_id, hash_hex, record) VALUES ($1, $2, $3, $4, $5) RETURNING "
        "study_id, patient_id) INSERT INTO patients (study_id, patient_id, "
        "site_id, record) SELECT study_id, patient_id, $6, $7 FROM logged",
        both);
  }

  absl::StatusOr<std::vector<std::string>> StudiesInTrialLog(
      const std::string& patient_id) override {
    KIP_ASSIGN_OR_RETURN(r, Read("SELECT DISTINCT study_id FROM trial_log "
                                 "WHERE patient_id = $1 ORDER BY study_id",
                                 {PgParam::Text(patient_id)}));
    std::vector<std::string> studies;
    for (int i = 0; i < r.rows(); ++i) studies.push_back(r.Text(i, 0));
    return studies;
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
    return OpenPostgresConnection(dsn_);
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
    for (int i = 0; i < r.rows(); ++i) rows.push_back(PgEventAt(r, i));
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
  KIP_ASSIGN_OR_RETURN(conn, OpenPostgresConnection(dsn));
  KIP_RETURN_IF_ERROR(MigratePostgresSchema(*conn));
  return std::unique_ptr<EventStore>(
      new PostgresEventStore(dsn, std::move(conn)));
}

}  // namespace kip::sessions
