#include "services/common/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"

namespace kip {

absl::string_view BearerToken(const ClientMetadata& metadata) {
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return "";
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() < kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return "";
  }
  return absl::StripAsciiWhitespace(value.substr(kScheme.size()));
}

absl::StatusOr<Principal> Authenticator::Authenticate(
    const ClientMetadata& metadata, const AccessPolicy& policy,
    absl::string_view full_method) const {
  absl::StatusOr<Principal> principal =
      verifier_.Verify(BearerToken(metadata), absl::Now());
  if (!principal.ok()) return principal.status();
  absl::Status allowed = policy.Authorize(*principal, full_method);
  if (!allowed.ok()) return allowed;
  return principal;
}

}  // namespace kip
