// Which roles may call which SessionLogService RPC.
#ifndef KIP_SERVICES_SESSIONS_ACCESS_POLICY_H_
#define KIP_SERVICES_SESSIONS_ACCESS_POLICY_H_

#include "services/common/access_policy.h"

namespace kip::sessions {

const AccessPolicy& SessionsAccessPolicy();

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_ACCESS_POLICY_H_
