// ValidateProgram: a pump program against the protocol (soft limits: allowed
// only with a clinician's override) and the drug library (hard limits: never
// allowed), both as dose_limits states them. Every violated limit is
// reported; the strictest wins.
#ifndef KIP_SERVICES_DOSING_CORE_PROGRAM_CHECK_H_
#define KIP_SERVICES_DOSING_CORE_PROGRAM_CHECK_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "services/dosing/core/dosing_context.h"
#include "services/dosing/core/protocol_library.h"

namespace kip::dosing {

// What the sessions service says the patient already received; the check
// fails closed when it is needed and unknown.
class CumulativeDoseSource {
 public:
  virtual ~CumulativeDoseSource() = default;
  virtual absl::StatusOr<v1::CumulativeDose> AlreadyReceived(
      const std::string& session_id, const std::string& course_id,
      absl::Time as_of) = 0;
};

// The whole of ValidateProgram. `doses` is consulted only when the request
// names a running session (session_id); if it fails, so does the call
// (UNAVAILABLE), never approving blindly.
absl::StatusOr<v1::ValidateProgramResponse> ValidateProgram(
    const ProtocolLibrary& library, const v1::ValidateProgramRequest& request,
    CumulativeDoseSource* doses, absl::Time now);

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_CORE_PROGRAM_CHECK_H_
