// Opens the store a --store flag names: "sqlite:PATH" (the embedded default)
// or "postgres:DSN" (libpq connection string or URI).
#ifndef KIP_SERVICES_SESSIONS_STORE_STORE_FACTORY_H_
#define KIP_SERVICES_SESSIONS_STORE_STORE_FACTORY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/sessions/store/event_store.h"

namespace kip::sessions {

absl::StatusOr<std::unique_ptr<EventStore>> OpenEventStore(
    const std::string& spec);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_STORE_STORE_FACTORY_H_
