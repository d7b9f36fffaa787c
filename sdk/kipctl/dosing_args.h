// The options `kipctl dosing plan|validate|titrate` and `kipctl gateway
// order` share (the patient, the care area, the programme) and the verdict's
// text and JSON, so the commands read and print them the same way.
#ifndef KIP_SDK_KIPCTL_DOSING_ARGS_H_
#define KIP_SDK_KIPCTL_DOSING_ARGS_H_

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "nlohmann/json.hpp"
#include "sdk/kipctl/args.h"

namespace kip::kipctl {

// --weight-kg, --height-cm, --sex F|M, --weight-basis ACTUAL|IDEAL|ADJUSTED.
const std::set<std::string>& PatientOptions();
absl::StatusOr<kip::dosing::v1::PatientDosingInput> PatientFromArgs(
    const Args& args);

// --care-area (default OUTPATIENT_PAIN).
absl::StatusOr<kip::common::v1::CareArea> CareAreaFromArgs(const Args& args);

// {"kg", "basis", "reason"}.
nlohmann::json BoundWeightJson(const kip::dosing::v1::BoundWeight& weight);
// "40.0 kg ACTUAL" for text output.
std::string BoundWeightText(const kip::dosing::v1::BoundWeight& weight);

// The programme options (protocol, patient, concentration, rate, duration,
// bolus, care area, override) and the request they make; no session.
const std::set<std::string>& ProgramOptions();
absl::StatusOr<kip::dosing::v1::ValidateProgramRequest> ProgramFromArgs(
    const Args& args);

// A ValidateProgram verdict as JSON and as text lines.
nlohmann::json VerdictJson(const kip::dosing::v1::ValidateProgramResponse& r);
void PrintVerdict(const kip::dosing::v1::ValidateProgramResponse& response);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_DOSING_ARGS_H_
