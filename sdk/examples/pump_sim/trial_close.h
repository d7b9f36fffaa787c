// The demo's close of the trial (issue #16): the serious adverse events
// with their reporting clocks, the protocol deviations found from the log,
// the investigator's signature on the first patient's casebook (checked by
// VerifySession), and the study's CDISC ODM 1.3.2 and HL7 FHIR R4 exports.
#ifndef KIP_SDK_EXAMPLES_PUMP_SIM_TRIAL_CLOSE_H_
#define KIP_SDK_EXAMPLES_PUMP_SIM_TRIAL_CLOSE_H_

#include <string>

namespace kip::demo {

// Exits the process with a message when a call fails.
void CloseTrial(const std::string& study_id, const std::string& out_dir,
                const std::string& sessions_address,
                const std::string& investigator_token,
                const std::string& admin_token);

}  // namespace kip::demo

#endif  // KIP_SDK_EXAMPLES_PUMP_SIM_TRIAL_CLOSE_H_
