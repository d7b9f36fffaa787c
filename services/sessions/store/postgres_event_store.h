// The scale-out store: PostgreSQL through libpq, synchronous_commit=on (set
// and verified per connection). Idempotency rests on unique keys; there is no
// global chain-head row: session heads are per-session rows and the global
// log's next index is taken under a transaction-scoped advisory lock.
#ifndef KIP_SERVICES_SESSIONS_STORE_POSTGRES_EVENT_STORE_H_
#define KIP_SERVICES_SESSIONS_STORE_POSTGRES_EVENT_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/sessions/store/event_store.h"

namespace kip::sessions {

// Connects (creating and migrating the schema) with a libpq DSN or URI.
absl::StatusOr<std::unique_ptr<EventStore>> OpenPostgresEventStore(
    const std::string& dsn);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_STORE_POSTGRES_EVENT_STORE_H_
