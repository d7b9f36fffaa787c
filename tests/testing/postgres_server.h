// A throwaway PostgreSQL server for tests: `./kip test` starts one and passes
// its DSN in KIP_TEST_POSTGRES_DSN; without it, the fixture starts its own
// (initdb + pg_ctl on a free loopback port, in a temp directory, as the
// `postgres` user when run as root). Each caller gets a fresh database. A
// machine without PostgreSQL fails the test with the install command: the
// PostgreSQL conformance suite is never skipped.
#ifndef KIP_TESTS_TESTING_POSTGRES_SERVER_H_
#define KIP_TESTS_TESTING_POSTGRES_SERVER_H_

#include <string>

#include "absl/status/statusor.h"

namespace kip::testing {

// A libpq DSN of a new, empty database on the shared throwaway server.
absl::StatusOr<std::string> FreshPostgresDatabase();

}  // namespace kip::testing

#endif  // KIP_TESTS_TESTING_POSTGRES_SERVER_H_
