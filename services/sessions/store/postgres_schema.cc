#include "services/sessions/store/postgres_schema.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"

namespace kip::sessions {
namespace {

// Advisory lock keys: schema migration, and the global log's next index.
constexpr int64_t kMigrationLock = 0x6b69700001;

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
    R"sql(
ALTER TABLE studies ADD COLUMN sealed_seed BYTEA;
CREATE TABLE trial_log (
  study_id TEXT NOT NULL, sequence BIGINT NOT NULL, patient_id TEXT NOT NULL,
  hash_hex TEXT NOT NULL, record BYTEA NOT NULL,
  PRIMARY KEY (study_id, sequence));
CREATE INDEX trial_log_by_patient ON trial_log (patient_id);
)sql",
};

}  // namespace

absl::StatusOr<std::unique_ptr<PgConn>> OpenPostgresConnection(
    const std::string& dsn) {
  KIP_ASSIGN_OR_RETURN(conn, PgConn::Connect(dsn));
  KIP_RETURN_IF_ERROR(conn->Run("SET synchronous_commit = on"));
  KIP_ASSIGN_OR_RETURN(setting, conn->Exec("SHOW synchronous_commit"));
  if (setting.rows() != 1 || setting.Text(0, 0) != "on") {
    return absl::FailedPreconditionError(
        "postgres: synchronous_commit could not be set to on");
  }
  return std::move(conn);
}

absl::Status MigratePostgresSchema(PgConn& conn) {
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

}  // namespace kip::sessions
