#include "tests/integration/sessions_under_test.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "tests/integration/running_session.h"

namespace kip::testing {

absl::StatusOr<SessionsUnderTest> StartSessionsWithSessionOfP1(
    const TestAuth& auth, const std::vector<std::string>& extra_flags) {
  std::vector<std::string> flags = {
      auth.PublicKeyFlag(), "--call_log=false",
      absl::StrCat("--data_dir=", std::getenv("TEST_TMPDIR"), "/log")};
  flags.insert(flags.end(), extra_flags.begin(), extra_flags.end());
  absl::StatusOr<ServerProcess> server = ServerProcess::Start(
      "services/sessions/sessions_server", flags, "sessions");
  if (!server.ok()) return server.status();
  auto stub = kip::sessions::v1::SessionLogService::NewStub(grpc::CreateChannel(
      server->address(), grpc::InsecureChannelCredentials()));
  const ContextForRole as = auth.AsRole();
  if (absl::Status created = CreateStudyS1WithPatientP1(*stub, as);
      !created.ok()) {
    return created;
  }
  absl::StatusOr<std::string> session_id = StartSessionOfP1(*stub, as);
  if (!session_id.ok()) return session_id.status();
  return SessionsUnderTest{*std::move(server), std::move(stub),
                           *std::move(session_id)};
}

}  // namespace kip::testing
