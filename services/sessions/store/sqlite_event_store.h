// The embedded default store: one SQLite file in WAL mode with
// synchronous=FULL (both set and verified at open), one writer connection and
// a pool of reader connections.
#ifndef KIP_SERVICES_SESSIONS_STORE_SQLITE_EVENT_STORE_H_
#define KIP_SERVICES_SESSIONS_STORE_SQLITE_EVENT_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/sessions/store/event_store.h"

namespace kip::sessions {

// Opens (creating and migrating) the database at `path`.
absl::StatusOr<std::unique_ptr<EventStore>> OpenSqliteEventStore(
    const std::string& path);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_STORE_SQLITE_EVENT_STORE_H_
