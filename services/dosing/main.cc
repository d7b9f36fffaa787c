// dosing_server: the KIP protocol dosing service (kip.dosing.v1.DosingService).
#include <cstdio>
#include <filesystem>

#include "absl/flags/flag.h"
#include "sdk/cpp/clients.h"
#include "services/common/server_core.h"
#include "services/common/server_main.h"
#include "services/common/upstream_connection.h"
#include "services/dosing/access_policy.h"
#include "services/dosing/core/protocol_library.h"
#include "services/dosing/dosing_service.h"
#include "services/dosing/sessions_dose_client.h"

ABSL_FLAG(std::string, library_dir, "",
          "directory with drug_library.textproto and protocols/*.textproto; "
          "default: the "
          "library shipped next to the binary");
ABSL_FLAG(std::string, sessions_address, "127.0.0.1:50052",
          "the sessions service, asked for cumulative doses; empty: none "
          "(checks of a "
          "running session then fail closed)");
ABSL_FLAG(std::string, sessions_ca_cert, "",
          "PEM CA certificate to reach the sessions service over TLS; empty: "
          "plaintext");
ABSL_FLAG(absl::Duration, sessions_deadline, absl::Seconds(2),
          "deadline of each cumulative-dose call to the sessions service");

namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "dosing_server: %s\n", message.c_str());
  std::exit(2);
}

std::string DefaultLibraryDir(const char* argv0) {
  for (const std::string& candidate :
       {std::string(argv0) + ".runfiles/kip/services/dosing/library",
        std::string("services/dosing/library")}) {
    if (std::filesystem::exists(candidate + "/drug_library.textproto"))
      return candidate;
  }
  return "services/dosing/library";
}

}  // namespace

int main(int argc, char** argv) {
  kip::ServerSetup setup =
      kip::InitServerOrExit(argc, argv, "dosing", "127.0.0.1:50051",
                            "KIP protocol dosing service "
                            "(kip.dosing.v1.DosingService). Flags: --listen, "
                            "--library_dir, --sessions_address, "
                            "--auth_public_key, --tls_cert, --tls_key, "
                            "--client_ca; --helpfull lists all.");
  std::string dir = absl::GetFlag(FLAGS_library_dir);
  if (dir.empty()) dir = DefaultLibraryDir(argv[0]);
  auto library = kip::dosing::ProtocolLibrary::LoadFromDirectory(dir);
  if (!library.ok()) Die("protocol library: " + library.status().ToString());
  std::fprintf(stderr,
               "dosing_server: library %s sha256 %s (%zu protocols) from %s\n",
               library->version().version().c_str(),
               library->version().content_sha256().c_str(),
               library->protocols().size(), dir.c_str());

  std::unique_ptr<kip::dosing::SessionsDoseClient> doses;
  const std::string sessions = absl::GetFlag(FLAGS_sessions_address);
  if (!sessions.empty()) {
    auto options = kip::UpstreamConnectionOptions(
        sessions, absl::GetFlag(FLAGS_sessions_ca_cert), "sessions_ca_cert",
        absl::GetFlag(FLAGS_sessions_deadline));
    if (!options.ok()) Die(std::string(options.status().message()));
    doses = std::make_unique<kip::dosing::SessionsDoseClient>(
        kip::MakeSessionLogConnection(*options),
        absl::GetFlag(FLAGS_sessions_deadline));
  }
  kip::dosing::DosingServiceImpl service(*setup.authenticator, *library,
                                         doses.get());
  return kip::RunServerUntilSignal(
      setup.options, {{&service, &kip::dosing::DosingAccessPolicy()}});
}
