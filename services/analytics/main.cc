// analytics_server: the KIP study analytics service
// (kip.analytics.v1.AnalyticsService).
#include <cstdio>
#include <memory>

#include "absl/flags/flag.h"
#include "sdk/cpp/clients.h"
#include "services/analytics/access_policy.h"
#include "services/analytics/analytics_service.h"
#include "services/analytics/sessions_reader.h"
#include "services/common/server_core.h"
#include "services/common/server_main.h"
#include "services/common/upstream_connection.h"

ABSL_FLAG(std::string, sessions_address, "127.0.0.1:50052",
          "the sessions service, read for the outcomes of logged trials; "
          "empty: none");
ABSL_FLAG(std::string, sessions_ca_cert, "",
          "PEM CA certificate to reach the sessions service over TLS; empty: "
          "plaintext");
ABSL_FLAG(absl::Duration, sessions_deadline, absl::Seconds(10),
          "deadline of each call to the sessions service");

int main(int argc, char** argv) {
  kip::ServerSetup setup = kip::InitServerOrExit(
      argc, argv, "analytics", "127.0.0.1:50053",
      "KIP study analytics service (kip.analytics.v1.AnalyticsService). Flags: "
      "--listen, --sessions_address, "
      "--auth_public_key, --tls_cert, --tls_key, "
      "--client_ca, --data_dir; --helpfull lists all.");
  std::unique_ptr<kip::analytics::SessionsReader> sessions;
  if (!absl::GetFlag(FLAGS_sessions_address).empty()) {
    auto options = kip::UpstreamConnectionOptions(
        absl::GetFlag(FLAGS_sessions_address),
        absl::GetFlag(FLAGS_sessions_ca_cert), "sessions_ca_cert",
        absl::GetFlag(FLAGS_sessions_deadline));
    if (!options.ok()) {
      std::fprintf(stderr, "analytics_server: %s\n",
                   std::string(options.status().message()).c_str());
      return 2;
    }
    sessions = std::make_unique<kip::analytics::SessionsReader>(
        kip::MakeSessionLogConnection(*options),
        absl::GetFlag(FLAGS_sessions_deadline));
  }
  kip::analytics::AnalyticsServiceImpl service(*setup.authenticator,
                                               sessions.get());
  return kip::RunServerUntilSignal(
      setup.options, {{&service, &kip::analytics::AnalyticsAccessPolicy()}});
}
