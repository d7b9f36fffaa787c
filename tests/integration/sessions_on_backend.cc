#include "tests/integration/sessions_on_backend.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/session_records.h"

namespace kip::testing {

absl::StatusOr<std::vector<std::string>> FreshSessionsStoreFlags(
    const std::string& backend) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::vector<std::string> flags = {
      absl::StrCat("--data_dir=", tmp == nullptr ? "/tmp" : tmp, "/",
                   sessions::testing::NewUuid())};
  if (backend == "postgres") {
    absl::StatusOr<std::string> dsn = FreshPostgresDatabase();
    if (!dsn.ok()) return dsn.status();
    flags.push_back("--store=postgres:" + *dsn);
  } else if (backend != "sqlite") {
    return absl::InvalidArgumentError(
        absl::StrCat("backend '", backend, "' is not sqlite or postgres"));
  }
  return flags;
}

absl::StatusOr<ServerProcess> StartSessionsOnBackend(
    const std::string& backend, std::vector<std::string> flags) {
  absl::StatusOr<std::vector<std::string>> store =
      FreshSessionsStoreFlags(backend);
  if (!store.ok()) return store.status();
  flags.insert(flags.end(), store->begin(), store->end());
  return ServerProcess::Start("services/sessions/sessions_server", flags,
                              "sessions");
}

}  // namespace kip::testing
