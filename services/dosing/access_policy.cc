#include "services/dosing/access_policy.h"

namespace kip::dosing {

const AccessPolicy& DosingAccessPolicy() {
  // Reading the cited library and PK predictions is open to every role;
  // plans, pump-program checks and titration are for the bedside only.
  static const AccessPolicy* const kPolicy = new AccessPolicy(
      "kip.dosing.v1.DosingService",
      {
          {"ListProtocols",
           {Role::kDevice, Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"GetProtocol",
           {Role::kDevice, Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"PlanCourse", {Role::kDevice, Role::kClinician, Role::kAdmin}},
          {"ValidateProgram", {Role::kDevice, Role::kClinician, Role::kAdmin}},
          {"ProposeTitration", {Role::kDevice, Role::kClinician, Role::kAdmin}},
          {"PredictConcentration",
           {Role::kDevice, Role::kClinician, Role::kResearcher, Role::kAdmin}},
      });
  return *kPolicy;
}

}  // namespace kip::dosing
