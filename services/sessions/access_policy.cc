#include "services/sessions/access_policy.h"

namespace kip::sessions {

const AccessPolicy& SessionsAccessPolicy() {
  // Devices and clinicians write; researchers read pseudonymous data and
  // exports; only admins read the audit of who read what. Dosing forwards the
  // bedside caller's token for the cumulative-dose check, analytics the
  // researcher's for streaming. The statistician reads what a researcher
  // reads plus allocation lists; pharmacy reads studies and patients (with
  // their arms, to prepare ketamine or placebo). Who sees an arm is decided
  // per response by trial/arm_visibility. Devices list their own site's
  // sessions: the pump gateway finds a pump's running session that way.
  const Role kDevice = Role::kDevice, kClinician = Role::kClinician,
             kResearcher = Role::kResearcher, kAdmin = Role::kAdmin,
             kStatistician = Role::kStatistician, kPharmacy = Role::kPharmacy;
  static const AccessPolicy* const kPolicy = new AccessPolicy(
      "kip.sessions.v1.SessionLogService",
      {
          {"CreateStudy", {kClinician, kAdmin}},
          {"GetStudy",
           {kDevice, kClinician, kResearcher, kAdmin, kStatistician,
            kPharmacy}},
          {"ListStudies",
           {kClinician, kResearcher, kAdmin, kStatistician, kPharmacy}},
          {"EnrollPatient", {kClinician, kAdmin}},
          {"GetPatient",
           {kDevice, kClinician, kResearcher, kAdmin, kStatistician,
            kPharmacy}},
          {"StartSession", {kDevice, kClinician}},
          {"GetSession",
           {kDevice, kClinician, kResearcher, kAdmin, kStatistician}},
          {"ListSessions",
           {kDevice, kClinician, kResearcher, kAdmin, kStatistician}},
          {"AppendEvents", {kDevice, kClinician}},
          {"StreamEvents", {kResearcher, kAdmin, kStatistician}},
          {"GetCumulativeDose", {kDevice, kClinician, kAdmin}},
          {"VerifySession", {kClinician, kResearcher, kAdmin, kStatistician}},
          {"GetCheckpoint",
           {kDevice, kClinician, kResearcher, kAdmin, kStatistician}},
          {"GetInclusionProof",
           {kDevice, kClinician, kResearcher, kAdmin, kStatistician}},
          {"GetConsistencyProof",
           {kDevice, kClinician, kResearcher, kAdmin, kStatistician}},
          {"ExportStudy", {kResearcher, kAdmin, kStatistician}},
          {"ListReadAudit", {kAdmin}},
          {"GetAllocationList", {kStatistician, kAdmin}},
          {"UnblindPatient", {kClinician, kAdmin}},
          {"UnblindStudy", {kAdmin}},
          {"VerifyAllocations",
           {kClinician, kResearcher, kAdmin, kStatistician}},
          {"ListSafetyReports",
           {kClinician, kResearcher, kAdmin, kStatistician}},
          // Investigators sign; SignRecords also needs a recent sign-in.
          {"SignRecords", {kClinician}},
          {"ListDeviations", {kClinician, kResearcher, kAdmin, kStatistician}},
      });
  return *kPolicy;
}

}  // namespace kip::sessions
