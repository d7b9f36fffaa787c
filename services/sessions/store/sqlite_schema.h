// The SQLite store's schema (versioned, forward-only migrations) and its
// connections: WAL and synchronous=FULL, set and verified on every open.
#ifndef KIP_SERVICES_SESSIONS_STORE_SQLITE_SCHEMA_H_
#define KIP_SERVICES_SESSIONS_STORE_SQLITE_SCHEMA_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "base/sqlite_db.h"

namespace kip::sessions {

absl::StatusOr<std::unique_ptr<SqliteDb>> OpenSqliteConnection(
    const std::string& path);
// Brings the schema to this server's version; refuses a newer one.
absl::Status MigrateSqliteSchema(SqliteDb& db);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_STORE_SQLITE_SCHEMA_H_
