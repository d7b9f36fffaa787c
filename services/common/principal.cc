#include "services/common/principal.h"

namespace kip {

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kDevice:
      return "device";
    case Role::kClinician:
      return "clinician";
    case Role::kResearcher:
      return "researcher";
    case Role::kAdmin:
      return "admin";
    case Role::kStatistician:
      return "statistician";
    case Role::kPharmacy:
      return "pharmacy";
  }
  return "unknown";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (Role role : {Role::kDevice, Role::kClinician, Role::kResearcher,
                    Role::kAdmin, Role::kStatistician, Role::kPharmacy}) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

}  // namespace kip
