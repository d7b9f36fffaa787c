// analytics_server: the KIP study analytics service
// (kip.analytics.v1.AnalyticsService).
#include "services/analytics/access_policy.h"
#include "services/analytics/analytics_service.h"
#include "services/common/server_core.h"
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  kip::ServerSetup setup = kip::InitServerOrExit(
      argc, argv, "analytics", "127.0.0.1:50053",
      "KIP study analytics service (kip.analytics.v1.AnalyticsService). Flags: "
      "--listen, "
      "--auth_public_key, --tls_cert, --tls_key, "
      "--client_ca, --data_dir; --helpfull lists all.");
  kip::analytics::AnalyticsServiceImpl service(*setup.authenticator);
  return kip::RunServerUntilSignal(
      setup.options, {{&service, &kip::analytics::AnalyticsAccessPolicy()}});
}
