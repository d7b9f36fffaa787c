// kip_token: mints a development bearer token from a PEM private key.
//   kip_token --private_key=.kip/keys/token_signing.key --role=clinician
//             --sub=dev-clinician --site=local --ttl=720h
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/clock.h"
#include "base/file_util.h"
#include "services/common/principal.h"
#include "services/common/token_signer.h"

ABSL_FLAG(std::string, private_key, "", "PEM private key (EC P-256 or RSA)");
ABSL_FLAG(std::string, sub, "", "subject (`sub` claim)");
ABSL_FLAG(std::string, role, "", "device, clinician, researcher or admin");
ABSL_FLAG(std::string, site, "", "site (`site` claim)");
ABSL_FLAG(absl::Duration, ttl, absl::Hours(12), "validity from now");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Mints a KIP bearer token (JWT) and prints it.");
  absl::ParseCommandLine(argc, argv);
  const std::string role = absl::GetFlag(FLAGS_role);
  if (!kip::ParseRole(role).has_value()) {
    std::fprintf(
        stderr,
        "kip_token: --role must be device, clinician, researcher or admin\n");
    return 2;
  }
  if (absl::GetFlag(FLAGS_sub).empty() || absl::GetFlag(FLAGS_site).empty()) {
    std::fprintf(stderr, "kip_token: --sub and --site are required\n");
    return 2;
  }
  if (absl::GetFlag(FLAGS_ttl) <= absl::ZeroDuration()) {
    std::fprintf(stderr, "kip_token: --ttl must be > 0\n");
    return 2;
  }
  absl::StatusOr<std::string> pem =
      kip::ReadFileToString(absl::GetFlag(FLAGS_private_key));
  if (!pem.ok()) {
    std::fprintf(stderr, "kip_token: cannot read --private_key\n");
    return 2;
  }
  auto signer = kip::TokenSigner::FromPrivateKeyPem(*pem);
  if (!signer.ok()) {
    std::fprintf(stderr, "kip_token: --private_key: %s\n",
                 std::string(signer.status().message()).c_str());
    return 2;
  }
  auto token =
      signer->Sign({absl::GetFlag(FLAGS_sub), role, absl::GetFlag(FLAGS_site),
                    absl::Now() + absl::GetFlag(FLAGS_ttl), std::nullopt});
  if (!token.ok()) {
    std::fprintf(stderr, "kip_token: %s\n",
                 std::string(token.status().message()).c_str());
    return 1;
  }
  std::printf("%s\n", token->c_str());
  return 0;
}
