// A real sessions server started for one test, with study S1, patient P1 and
// a session of P1 already in its log: the start of every test that loads or
// abuses a running server.
#ifndef KIP_TESTS_INTEGRATION_SESSIONS_UNDER_TEST_H_
#define KIP_TESTS_INTEGRATION_SESSIONS_UNDER_TEST_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"

namespace kip::testing {

struct SessionsUnderTest {
  ServerProcess server;
  std::unique_ptr<kip::sessions::v1::SessionLogService::Stub> stub;
  std::string session_id;
};

// Starts services/sessions/sessions_server trusting `auth`, without the call
// log, its data in $TEST_TMPDIR/log, plus `extra_flags`.
absl::StatusOr<SessionsUnderTest> StartSessionsWithSessionOfP1(
    const TestAuth& auth, const std::vector<std::string>& extra_flags = {});

}  // namespace kip::testing

#endif  // KIP_TESTS_INTEGRATION_SESSIONS_UNDER_TEST_H_
