// Verifies KIP bearer tokens: JWTs signed with ES256 (P-256) or RS256, checked
// by libjwt against the configured public keys, carrying `sub`, `role`, `site`
// and `exp`. The algorithm is taken from the key, never from the token, so
// `none` and HS256-with-the-public-key tokens are refused.
//
//   auto verifier = TokenVerifier::FromPublicKeyPems({pem});
//   absl::StatusOr<Principal> who = verifier->Verify(token, absl::Now());
#ifndef KIP_SERVICES_COMMON_TOKEN_VERIFIER_H_
#define KIP_SERVICES_COMMON_TOKEN_VERIFIER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/principal.h"

namespace kip {

// "ES256" for an EC P-256 key, "RS256" for an RSA key, an error otherwise.
absl::StatusOr<std::string> JwtAlgorithmForPem(absl::string_view pem,
                                               bool is_private_key);

class TokenVerifier {
 public:
  // Several keys allow rotation: a token verifies if any key accepts it.
  static absl::StatusOr<TokenVerifier> FromPublicKeyPems(
      const std::vector<std::string>& pems);
  // Reads PEM files; the error names the file.
  static absl::StatusOr<TokenVerifier> FromPublicKeyFiles(
      const std::vector<std::string>& paths);

  // UNAUTHENTICATED for anything but a valid, unexpired token with known
  // claims.
  absl::StatusOr<Principal> Verify(absl::string_view token,
                                   absl::Time now) const;

  // Clock skew tolerated on `exp` and `nbf`.
  static constexpr absl::Duration kClockSkew = absl::Seconds(30);

 private:
  struct Key {
    std::string pem;
    std::string algorithm;
  };
  // Tokens that verified, by their exact bytes: a bedside device repeats its
  // token on every call, and the signature check dominates a small RPC.
  // Expiry is still checked on every call; the cache is bounded.
  struct Verified {
    Principal principal;
    std::optional<absl::Time> not_before;
  };
  struct Cache {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, Verified> entries ABSL_GUARDED_BY(mu);
  };
  static constexpr size_t kMaxCachedTokens = 4096;

  explicit TokenVerifier(std::vector<Key> keys)
      : keys_(std::move(keys)), cache_(std::make_shared<Cache>()) {}
  absl::StatusOr<Verified> VerifySignatureAndClaims(
      const std::string& token) const;

  std::vector<Key> keys_;
  std::shared_ptr<Cache> cache_;
};

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_TOKEN_VERIFIER_H_
