#include "services/common/token_signer.h"

#include <jwt.h>

#include <cstdlib>
#include <memory>

#include "services/common/token_verifier.h"

namespace kip {

absl::StatusOr<TokenSigner> TokenSigner::FromPrivateKeyPem(std::string pem) {
  absl::StatusOr<std::string> algorithm = JwtAlgorithmForPem(pem, true);
  if (!algorithm.ok()) return algorithm.status();
  return TokenSigner(std::move(pem), *std::move(algorithm));
}

absl::StatusOr<std::string> TokenSigner::Sign(const TokenClaims& claims) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> jwt(raw, &jwt_free);
  int rc = jwt_set_alg(jwt.get(), jwt_str_alg(algorithm_.c_str()),
                       reinterpret_cast<const unsigned char*>(pem_.data()),
                       static_cast<int>(pem_.size()));
  rc |= jwt_add_grant(jwt.get(), "sub", claims.subject.c_str());
  rc |= jwt_add_grant(jwt.get(), "role", claims.role.c_str());
  rc |= jwt_add_grant(jwt.get(), "site", claims.site.c_str());
  rc |=
      jwt_add_grant_int(jwt.get(), "exp", absl::ToUnixSeconds(claims.expires));
  rc |= jwt_add_grant_int(
      jwt.get(), "iat",
      absl::ToUnixSeconds(claims.issued_at.value_or(absl::Now())));
  if (claims.authenticated_at.has_value()) {
    rc |= jwt_add_grant_int(jwt.get(), "auth_time",
                            absl::ToUnixSeconds(*claims.authenticated_at));
  }
  if (claims.not_before.has_value()) {
    rc |= jwt_add_grant_int(jwt.get(), "nbf",
                            absl::ToUnixSeconds(*claims.not_before));
  }
  if (rc != 0) return absl::InvalidArgumentError("cannot set token claims");
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) return absl::InternalError("jwt_encode_str failed");
  std::string token(encoded);
  free(encoded);
  return token;
}

}  // namespace kip
