#include "services/dosing/access_policy.h"

namespace kip::dosing {

const AccessPolicy& DosingAccessPolicy() {
  const std::set<Role> kEveryRole = {Role::kDevice,       Role::kClinician,
                                     Role::kResearcher,   Role::kAdmin,
                                     Role::kStatistician, Role::kPharmacy};
  // Reading the cited library and PK predictions is open to every role;
  // plans, pump-program checks and titration are for the bedside only, and
  // pharmacy plans the volumes it prepares.
  static const AccessPolicy* const kPolicy = new AccessPolicy(
      "kip.dosing.v1.DosingService",
      {
          {"ListProtocols", kEveryRole},
          {"GetProtocol", kEveryRole},
          {"PlanCourse",
           {Role::kDevice, Role::kClinician, Role::kAdmin, Role::kPharmacy}},
          {"ValidateProgram", {Role::kDevice, Role::kClinician, Role::kAdmin}},
          {"ProposeTitration", {Role::kDevice, Role::kClinician, Role::kAdmin}},
          {"PredictConcentration", kEveryRole},
      });
  return *kPolicy;
}

}  // namespace kip::dosing
