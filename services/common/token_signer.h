// Mints KIP bearer tokens (ES256 or RS256, from the private key's type) for
// development (`./kip up`), tests and the kip_token tool. Production tokens
// come from the hospital's identity provider; the servers only verify.
#ifndef KIP_SERVICES_COMMON_TOKEN_SIGNER_H_
#define KIP_SERVICES_COMMON_TOKEN_SIGNER_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/principal.h"

namespace kip {

struct TokenClaims {
  std::string subject;
  std::string role;  // free text so tests can mint tokens with bad roles
  std::string site;
  absl::Time expires;
  std::optional<absl::Time> not_before;
  // `auth_time` (OIDC): when the user last signed in; unset leaves it out.
  std::optional<absl::Time> authenticated_at;
  // `iat`; unset is now.
  std::optional<absl::Time> issued_at;
};

class TokenSigner {
 public:
  static absl::StatusOr<TokenSigner> FromPrivateKeyPem(std::string pem);

  absl::StatusOr<std::string> Sign(const TokenClaims& claims) const;
  const std::string& algorithm() const { return algorithm_; }

 private:
  TokenSigner(std::string pem, std::string algorithm)
      : pem_(std::move(pem)), algorithm_(std::move(algorithm)) {}
  std::string pem_;
  std::string algorithm_;
};

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_TOKEN_SIGNER_H_
