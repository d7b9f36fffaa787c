// dosing_server: the KIP protocol dosing service (kip.dosing.v1.DosingService).
#include "services/common/server_core.h"
#include "services/common/server_main.h"
#include "services/dosing/access_policy.h"
#include "services/dosing/dosing_service.h"

int main(int argc, char** argv) {
  kip::ServerSetup setup = kip::InitServerOrExit(
      argc, argv, "dosing", "127.0.0.1:50051",
      "KIP protocol dosing service (kip.dosing.v1.DosingService). "
      "Flags: --listen, --auth_public_key, --tls_cert, --tls_key, "
      "--client_ca, --data_dir; --helpfull lists all.");
  kip::dosing::DosingServiceImpl service(*setup.authenticator);
  return kip::RunServerUntilSignal(
      setup.options, {{&service, &kip::dosing::DosingAccessPolicy()}});
}
