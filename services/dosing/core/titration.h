// ProposeTitration: the next step from the current rate and observations.
// Order: vital-sign stop rules (critical: STOP, warning: PAUSE), the sedation
// limit, side effects (DECREASE), pain above the protocol's target (INCREASE
// within step, interval and maximum), else HOLD. Only sourced numbers are
// used: where the protocol gives no step or target, KIP holds and says so.
#ifndef KIP_SERVICES_DOSING_CORE_TITRATION_H_
#define KIP_SERVICES_DOSING_CORE_TITRATION_H_

#include "absl/status/statusor.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "services/dosing/core/protocol_library.h"

namespace kip::dosing {

absl::StatusOr<v1::ProposeTitrationResponse> ProposeTitration(
    const ProtocolLibrary& library, const v1::ProposeTitrationRequest& request);

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_CORE_TITRATION_H_
