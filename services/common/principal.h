// Who is calling: the verified claims of a bearer token, and the caller roles.
#ifndef KIP_SERVICES_COMMON_PRINCIPAL_H_
#define KIP_SERVICES_COMMON_PRINCIPAL_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kip {

// kStatistician and kPharmacy are the unblinded trial roles (issue #15).
enum class Role {
  kDevice,
  kClinician,
  kResearcher,
  kAdmin,
  kStatistician,
  kPharmacy
};

// "device", "clinician", "researcher", "admin", "statistician", "pharmacy"
// (the token's `role` claim).
absl::string_view RoleName(Role role);
std::optional<Role> ParseRole(absl::string_view name);

struct Principal {
  std::string subject;  // `sub`
  Role role = Role::kDevice;
  std::string site;    // `site`
  absl::Time expires;  // `exp`
  // When the user last proved who they are: OIDC `auth_time` if the token
  // has it, else `iat`. Electronic signatures need it recent.
  std::optional<absl::Time> authenticated_at;
};

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_PRINCIPAL_H_
