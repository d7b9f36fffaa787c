// Turns a call's metadata into a verified, authorized Principal: the bearer
// token in `authorization: Bearer <jwt>` is verified, then the role is checked
// against the service's AccessPolicy for the called method.
#ifndef KIP_SERVICES_COMMON_AUTHENTICATOR_H_
#define KIP_SERVICES_COMMON_AUTHENTICATOR_H_

#include <grpcpp/support/string_ref.h>

#include <map>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/access_policy.h"
#include "services/common/principal.h"
#include "services/common/token_verifier.h"

namespace kip {

using ClientMetadata = std::multimap<grpc::string_ref, grpc::string_ref>;

class Authenticator {
 public:
  explicit Authenticator(TokenVerifier verifier)
      : verifier_(std::move(verifier)) {}

  // UNAUTHENTICATED for a missing or bad token, PERMISSION_DENIED for a role
  // the policy does not allow on `full_method`.
  absl::StatusOr<Principal> Authenticate(const ClientMetadata& metadata,
                                         const AccessPolicy& policy,
                                         absl::string_view full_method) const;

 private:
  TokenVerifier verifier_;
};

// The token of an `authorization: Bearer <token>` header ("" when absent).
absl::string_view BearerToken(const ClientMetadata& metadata);

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_AUTHENTICATOR_H_
