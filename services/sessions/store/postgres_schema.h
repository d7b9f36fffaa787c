// The PostgreSQL store's schema (versioned, forward-only migrations under an
// advisory lock, so replicas starting together migrate once) and its
// connections: synchronous_commit=on, set and verified on every connection.
#ifndef KIP_SERVICES_SESSIONS_STORE_POSTGRES_SCHEMA_H_
#define KIP_SERVICES_SESSIONS_STORE_POSTGRES_SCHEMA_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/sessions/store/pg_conn.h"

namespace kip::sessions {

absl::StatusOr<std::unique_ptr<PgConn>> OpenPostgresConnection(
    const std::string& dsn);
// Brings the schema to this server's version; refuses a newer one.
absl::Status MigratePostgresSchema(PgConn& conn);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_STORE_POSTGRES_SCHEMA_H_
