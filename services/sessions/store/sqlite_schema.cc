#include "services/sessions/store/sqlite_schema.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"

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
    R"sql(
ALTER TABLE studies ADD COLUMN sealed_seed BLOB;
CREATE TABLE trial_log (
  study_id TEXT NOT NULL, sequence INTEGER NOT NULL, patient_id TEXT NOT NULL,
  hash_hex TEXT NOT NULL, record BLOB NOT NULL,
  PRIMARY KEY (study_id, sequence));
CREATE INDEX trial_log_by_patient ON trial_log (patient_id);
)sql",
};

}  // namespace

absl::Status MigrateSqliteSchema(SqliteDb& db) {
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

absl::StatusOr<std::unique_ptr<SqliteDb>> OpenSqliteConnection(
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

}  // namespace kip::sessions
