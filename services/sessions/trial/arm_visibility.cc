#include "services/sessions/trial/arm_visibility.h"

namespace kip::trial {

bool IsUnblindedRole(Role role) {
  return role == Role::kStatistician || role == Role::kAdmin ||
         role == Role::kPharmacy;
}

bool SeesArms(Role role, const v1::Study& study) {
  return !study.blinded() || study.unblinded() || IsUnblindedRole(role);
}

void FillUnblinding(const TrialState& state, v1::Study& study) {
  study.set_unblinded(state.study_unblinding.has_value());
  if (state.study_unblinding.has_value())
    *study.mutable_unblinded_time() = state.study_unblinding->time();
}

void ShowStudy(Role role, v1::Study& study) {
  if (SeesArms(role, study)) return;
  study.set_blinded_arm_count(study.arms_size());
  study.clear_arms();
}

void ShowPatient(Role role, const v1::Study& study, const TrialState& state,
                 v1::Patient& patient) {
  const bool emergency = state.emergency_unblinded.count(patient.patient_id());
  patient.set_emergency_unblinded(emergency);
  const bool bedside = role == Role::kDevice || role == Role::kClinician;
  if (SeesArms(role, study) || (emergency && bedside)) return;
  patient.clear_arm_id();
  patient.set_arm_withheld(true);
}

}  // namespace kip::trial
