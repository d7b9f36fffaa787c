// A thin RAII layer over the sqlite3 C API: a connection and prepared
// statements with absl::Status errors. Not thread-safe; callers own locking.
//
// Two builds of the same code: //base:sqlite_db over Debian's SQLite (the
// servers) and //base:sqlcipher_db over SQLCipher (the SDK's outbox, which can
// be encrypted at rest). Both export the sqlite3_* symbols, so one binary links
// one of them, never both (checked by ./kip test); this header names no
// sqlite3 type but the two opaque handles, for that reason.
#ifndef KIP_BASE_SQLITE_DB_H_
#define KIP_BASE_SQLITE_DB_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace kip {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept
      : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  SqliteStatement(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // 1-based parameter index, as in sqlite3_bind_*.
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, double value);
  SqliteStatement& Bind(int index, absl::string_view text);
  SqliteStatement& BindBlob(int index, absl::string_view bytes);
  SqliteStatement& BindNull(int index);

  // true: a row is ready; false: done. Errors carry the SQLite message.
  absl::StatusOr<bool> Step();
  // Steps to completion, for statements without rows.
  absl::Status Run();

  // Ready for new bindings (kept prepared).
  void Reset();

  int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// An AES-256 key for a SQLCipher database: exactly kSqliteKeyBytes raw bytes
// (from the app's keystore), used as is (no passphrase derivation).
inline constexpr size_t kSqliteKeyBytes = 32;

class SqliteDb {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteDb>> Open(
      const std::string& path);
  // Opens (or creates) a database encrypted with `key` (kSqliteKeyBytes raw
  // bytes). A key that does not open an existing file is PERMISSION_DENIED,
  // never an empty database; in the plain-SQLite build, FAILED_PRECONDITION.
  static absl::StatusOr<std::unique_ptr<SqliteDb>> OpenEncrypted(
      const std::string& path, absl::string_view key);
  // Whether this build can encrypt (it is //base:sqlcipher_db).
  static bool CanEncrypt();
  ~SqliteDb();

  absl::Status Exec(absl::string_view sql);
  absl::StatusOr<SqliteStatement> Prepare(absl::string_view sql);
  // A statement prepared once per connection and reset on every call; valid
  // until the connection closes. For the hot write path.
  absl::StatusOr<SqliteStatement*> Cached(const std::string& sql);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  // First column of the first row as text ("" when no row).
  absl::StatusOr<std::string> QueryText(absl::string_view sql);
  sqlite3* raw() const { return db_; }

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, std::unique_ptr<SqliteStatement>> cached_;
};

// Maps a SQLite result code to a status: constraint violations become
// ALREADY_EXISTS, busy/locked UNAVAILABLE, corruption DATA_LOSS.
absl::Status SqliteError(sqlite3* db, int code, absl::string_view what);

}  // namespace kip

#endif  // KIP_BASE_SQLITE_DB_H_
