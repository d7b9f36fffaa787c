// Which roles may call which AnalyticsService RPC.
#ifndef KIP_SERVICES_ANALYTICS_ACCESS_POLICY_H_
#define KIP_SERVICES_ANALYTICS_ACCESS_POLICY_H_

#include "services/common/access_policy.h"

namespace kip::analytics {

const AccessPolicy& AnalyticsAccessPolicy();

}  // namespace kip::analytics

#endif  // KIP_SERVICES_ANALYTICS_ACCESS_POLICY_H_
