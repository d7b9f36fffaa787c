#include "services/sessions/store/store_factory.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/sessions/store/postgres_event_store.h"
#include "services/sessions/store/sqlite_event_store.h"

namespace kip::sessions {

absl::StatusOr<std::unique_ptr<EventStore>> OpenEventStore(
    const std::string& spec) {
  if (absl::StartsWith(spec, "sqlite:") && spec.size() > 7) {
    return OpenSqliteEventStore(spec.substr(7));
  }
  if (absl::StartsWith(spec, "postgres:") && spec.size() > 9) {
    return OpenPostgresEventStore(spec.substr(9));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--store: '", spec, "' is neither sqlite:PATH nor postgres:DSN"));
}

}  // namespace kip::sessions
