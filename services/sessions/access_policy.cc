#include "services/sessions/access_policy.h"

namespace kip::sessions {

const AccessPolicy& SessionsAccessPolicy() {
  // Devices and clinicians write; researchers read pseudonymous data and
  // exports; only admins read the audit of who read what. Dosing forwards the
  // bedside caller's token for the cumulative-dose check, analytics the
  // researcher's for streaming.
  static const AccessPolicy* const kPolicy = new AccessPolicy(
      "kip.sessions.v1.SessionLogService",
      {
          {"CreateStudy", {Role::kClinician, Role::kAdmin}},
          {"GetStudy",
           {Role::kDevice, Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"ListStudies", {Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"EnrollPatient", {Role::kClinician, Role::kAdmin}},
          {"GetPatient",
           {Role::kDevice, Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"StartSession", {Role::kDevice, Role::kClinician}},
          {"GetSession",
           {Role::kDevice, Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"ListSessions", {Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"AppendEvents", {Role::kDevice, Role::kClinician}},
          {"StreamEvents", {Role::kResearcher, Role::kAdmin}},
          {"GetCumulativeDose",
           {Role::kDevice, Role::kClinician, Role::kAdmin}},
          {"VerifySession",
           {Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"GetCheckpoint",
           {Role::kDevice, Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"GetInclusionProof",
           {Role::kDevice, Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"GetConsistencyProof",
           {Role::kDevice, Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"ExportStudy", {Role::kResearcher, Role::kAdmin}},
          {"ListReadAudit", {Role::kAdmin}},
      });
  return *kPolicy;
}

}  // namespace kip::sessions
