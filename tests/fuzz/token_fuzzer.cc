// Fuzz target: bearer tokens. Whatever arrives in the authorization header
// must be refused or verified, and only a token signed by the key verifies.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/common/token_verifier.h"

namespace {

// A fixed EC P-256 public key; no fuzzer input is signed by its private key.
constexpr char kPublicKey[] = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE6qujyNrqp9pAHwjktfw/NWPPYqXN
lZgLzdYJjBDOhERtkWgiMJsDtM+eXihXMMgLSOWOw9kJNk+V0w+hWMPosg==
-----END PUBLIC KEY-----
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kip::TokenVerifier* const verifier = [] {
    auto v = kip::TokenVerifier::FromPublicKeyPems({kPublicKey});
    if (!v.ok()) std::abort();
    return new kip::TokenVerifier(*std::move(v));
  }();
  auto principal =
      verifier->Verify(std::string(reinterpret_cast<const char*>(data), size),
                       absl::FromUnixSeconds(1'800'000'000));
  if (principal.ok()) std::abort();  // forged: nothing here is signed
  return 0;
}
