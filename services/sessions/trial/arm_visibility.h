// Who may see a randomised study's arms (issue #15), the one home of the
// rule: in a blinded study that is not yet unblinded only statistician,
// admin and pharmacy see arms; an emergency-unblinded patient's arm is also
// shown to the bedside (device, clinician) for that patient alone. Every
// response carrying a study or a patient passes through here.
#ifndef KIP_SERVICES_SESSIONS_TRIAL_ARM_VISIBILITY_H_
#define KIP_SERVICES_SESSIONS_TRIAL_ARM_VISIBILITY_H_

#include "kip/sessions/v1/sessions.pb.h"
#include "services/common/principal.h"
#include "services/sessions/trial/trial_chain.h"

namespace kip::trial {

// True for statistician, admin and pharmacy: they may see every arm.
bool IsUnblindedRole(Role role);

// Whether `role` sees the arms of `study` (its server-set `unblinded`
// already filled in).
bool SeesArms(Role role, const v1::Study& study);

// The study's server-set unblinding fields from the log's state.
void FillUnblinding(const TrialState& state, v1::Study& study);

// Withholds the arm list from a caller who may not see it.
void ShowStudy(Role role, v1::Study& study);

// Withholds the patient's arm from a caller who may not see it, and fills
// its emergency-unblinding flag.
void ShowPatient(Role role, const v1::Study& study, const TrialState& state,
                 v1::Patient& patient);

}  // namespace kip::trial

#endif  // KIP_SERVICES_SESSIONS_TRIAL_ARM_VISIBILITY_H_
