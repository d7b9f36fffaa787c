// kipctl's trial commands (issue #15): create a (randomised, blinded) study,
// enrol a patient and show the arm or kit code as the caller's role may see
// it, print or export the allocation list with its seed (statistician),
// unblind one patient in an emergency or a whole study (admin), and verify
// the study's trial log.
#ifndef KIP_SDK_KIPCTL_TRIAL_COMMANDS_H_
#define KIP_SDK_KIPCTL_TRIAL_COMMANDS_H_

#include <string>
#include <vector>

#include "sdk/cpp/sessions_client.h"

namespace kip::kipctl {

// True for the commands below: create-study, enroll, allocation, unblind,
// unblind-study, verify-allocations.
bool IsTrialCommand(const std::string& command);

int RunTrialCommand(const std::string& command,
                    const std::vector<std::string>& argv,
                    SessionLogClient& sessions);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_TRIAL_COMMANDS_H_
