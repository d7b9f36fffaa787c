#include "base/sqlite_db.h"

// //base:sqlcipher_db builds this file with SQLCipher's sqlite3.h first on the
// include path and SQLITE_HAS_CODEC set (which declares sqlite3_key).
#include <sqlite3.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace kip {

absl::Status SqliteError(sqlite3* db, int code, absl::string_view what) {
  const std::string message =
      absl::StrCat("sqlite: ", what, ": ", db ? sqlite3_errmsg(db) : "", " (",
                   sqlite3_errstr(code), ")");
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      return absl::AlreadyExistsError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    case SQLITE_FULL:
    case SQLITE_IOERR:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
SqliteStatement& SqliteStatement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
SqliteStatement& SqliteStatement::Bind(int index, absl::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}
SqliteStatement& SqliteStatement::BindBlob(int index, absl::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
  return *this;
}
SqliteStatement& SqliteStatement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

absl::StatusOr<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, sqlite3_sql(stmt_));
}

absl::Status SqliteStatement::Run() {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t SqliteStatement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}
double SqliteStatement::Double(int column) const {
  return sqlite3_column_double(stmt_, column);
}
std::string SqliteStatement::Text(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  return data ? std::string(static_cast<const char*>(data), size)
              : std::string();
}
bool SqliteStatement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

absl::StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::Open(
    const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(db, rc, absl::StrCat("open ", path));
    sqlite3_close(db);
    return status;
  }
  sqlite3_busy_timeout(db, 10000);
  return std::unique_ptr<SqliteDb>(new SqliteDb(db));
}

bool SqliteDb::CanEncrypt() {
#ifdef SQLITE_HAS_CODEC
  return true;
#else
  return false;
#endif
}

absl::StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::OpenEncrypted(
    const std::string& path, absl::string_view key) {
  if (key.size() != kSqliteKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("key: must be ", kSqliteKeyBytes, " bytes (AES-256), got ",
                     key.size()));
  }
#ifdef SQLITE_HAS_CODEC
  absl::StatusOr<std::unique_ptr<SqliteDb>> db = Open(path);
  if (!db.ok()) return db.status();
  // SQLCipher's raw-key form x'...': the key is used as is, no PBKDF2.
  const std::string raw_key =
      absl::StrCat("x'", absl::BytesToHexString(key), "'");
  const int rc =
      sqlite3_key((*db)->db_, raw_key.data(), static_cast<int>(raw_key.size()));
  if (rc != SQLITE_OK) return SqliteError((*db)->db_, rc, "key");
  // The key is only tried when a page is read: read one now, so a wrong key
  // fails here and not as an empty database later.
  absl::StatusOr<std::string> tables =
      (*db)->QueryText("SELECT count(*) FROM sqlite_master");
  if (!tables.ok()) {
    return absl::PermissionDeniedError(absl::StrCat(
        path,
        ": this key does not open it (a wrong key, or a file that is "
        "not encrypted with one); nothing was read or changed"));
  }
  return db;
#else
  return absl::FailedPreconditionError(
      absl::StrCat(path,
                   ": this build has no SQLCipher (link "
                   "//base:sqlcipher_db to encrypt)"));
#endif
}

SqliteDb::~SqliteDb() {
  cached_.clear();  // statements are finalized before the connection closes
  sqlite3_close(db_);
}

absl::StatusOr<SqliteStatement*> SqliteDb::Cached(const std::string& sql) {
  auto it = cached_.find(sql);
  if (it == cached_.end()) {
    absl::StatusOr<SqliteStatement> stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    it = cached_
             .emplace(sql, std::make_unique<SqliteStatement>(std::move(*stmt)))
             .first;
  }
  it->second->Reset();
  return it->second.get();
}

absl::Status SqliteDb::Exec(absl::string_view sql) {
  char* error = nullptr;
  const std::string statement(sql);
  const int rc = sqlite3_exec(db_, statement.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, statement.substr(0, 120));
  return absl::OkStatus();
}

absl::StatusOr<SqliteStatement> SqliteDb::Prepare(absl::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(
      db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteError(db_, rc, sql.substr(0, 120));
  }
  return SqliteStatement(db_, stmt);
}

int64_t SqliteDb::Changes() const { return sqlite3_changes(db_); }

absl::StatusOr<std::string> SqliteDb::QueryText(absl::string_view sql) {
  absl::StatusOr<SqliteStatement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  return *row ? stmt->Text(0) : std::string();
}

}  // namespace kip
