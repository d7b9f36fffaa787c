// Which roles may call which DosingService RPC.
#ifndef KIP_SERVICES_DOSING_ACCESS_POLICY_H_
#define KIP_SERVICES_DOSING_ACCESS_POLICY_H_

#include "services/common/access_policy.h"

namespace kip::dosing {

const AccessPolicy& DosingAccessPolicy();

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_ACCESS_POLICY_H_
