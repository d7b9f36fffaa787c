// A real sessions server on a fresh store of the backend a parametrised test
// runs on: "sqlite" (a new data directory) or "postgres" (a new database on
// the test's PostgreSQL server): the one way the integration suites start
// the sessions service on both stores.
#ifndef KIP_TESTS_INTEGRATION_SESSIONS_ON_BACKEND_H_
#define KIP_TESTS_INTEGRATION_SESSIONS_ON_BACKEND_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/integration/server_process.h"

namespace kip::testing {

// The --data_dir (new, under $TEST_TMPDIR) and, for "postgres", --store flags
// of a fresh store on `backend`.
absl::StatusOr<std::vector<std::string>> FreshSessionsStoreFlags(
    const std::string& backend);

// Starts services/sessions/sessions_server with `flags` (the auth key and
// anything else) on a fresh store of `backend`.
absl::StatusOr<ServerProcess> StartSessionsOnBackend(
    const std::string& backend, std::vector<std::string> flags);

}  // namespace kip::testing

#endif  // KIP_TESTS_INTEGRATION_SESSIONS_ON_BACKEND_H_
