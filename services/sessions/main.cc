// sessions_server: the KIP session logging service
// (kip.sessions.v1.SessionLogService).
#include "services/common/server_core.h"
#include "services/common/server_main.h"
#include "services/sessions/access_policy.h"
#include "services/sessions/sessions_service.h"

int main(int argc, char** argv) {
  kip::ServerSetup setup = kip::InitServerOrExit(
      argc, argv, "sessions", "127.0.0.1:50052",
      "KIP session logging service (kip.sessions.v1.SessionLogService). Flags: "
      "--listen, "
      "--auth_public_key, --tls_cert, --tls_key, "
      "--client_ca, --data_dir; --helpfull lists all.");
  kip::sessions::SessionLogServiceImpl service(*setup.authenticator);
  return kip::RunServerUntilSignal(
      setup.options, {{&service, &kip::sessions::SessionsAccessPolicy()}});
}
