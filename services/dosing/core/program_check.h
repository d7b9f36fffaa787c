// ValidateProgram's rules: a pump program against the protocol (soft limits:
// allowed only with a clinician's override) and the drug library (hard limits:
// never allowed). Every violated limit is reported; the strictest wins.
#ifndef KIP_SERVICES_DOSING_CORE_PROGRAM_CHECK_H_
#define KIP_SERVICES_DOSING_CORE_PROGRAM_CHECK_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kip/dosing/v1/dosing.pb.h"
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

// IHE PCD PIV error codes mirrored in violations and errors.
inline constexpr int kIheUnitsMismatch = 9009;
inline constexpr int kIheNotInLibrary = 9010;
inline constexpr int kIheWeightMismatch = 9011;
inline constexpr int kIheWeightMissing = 9019;
inline constexpr int kIheCareAreaMismatch = 9021;
inline constexpr int kIheStaleProgram = 9022;
inline constexpr int kIheHardLimit = 9024;

// Request checks shared by the RPCs: protocol known, care area allowed,
// concentration allowed. Return INVALID_ARGUMENT/FAILED_PRECONDITION with the
// field path, bound and IHE code.
absl::StatusOr<const v1::Protocol*> FindProtocol(
    const ProtocolLibrary& library, const std::string& protocol_id);
absl::StatusOr<const v1::CareAreaLimits*> CheckCareArea(
    const ProtocolLibrary& library, const v1::Protocol& protocol,
    kip::common::v1::CareArea area);
absl::Status CheckConcentration(const v1::Protocol& protocol,
                                double concentration_mg_per_ml);
absl::StatusOr<double> PumpResolution(double requested_ml_per_h);

// The whole of ValidateProgram. `doses` is consulted only when the request
// names a running session (session_id); if it fails, so does the call
// (UNAVAILABLE), never approving blindly.
absl::StatusOr<v1::ValidateProgramResponse> ValidateProgram(
    const ProtocolLibrary& library, const v1::ValidateProgramRequest& request,
    CumulativeDoseSource* doses, absl::Time now);

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_CORE_PROGRAM_CHECK_H_
