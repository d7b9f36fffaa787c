// Which methods of each KIP service the SDK's connections retry on
// UNAVAILABLE: a table written out per method and checked, the first time it
// is used, against the services' descriptors (as the servers' access policies
// are), so a new RPC cannot be left out or a renamed one linger.
#ifndef KIP_SDK_CPP_RETRY_POLICY_H_
#define KIP_SDK_CPP_RETRY_POLICY_H_

#include <map>
#include <set>
#include <string>

#include "absl/status/status.h"

namespace kip {

// Service full name -> method -> retried. Unary KIP RPCs are idempotent by
// design (reads, or writes keyed by client-chosen ids, which the server
// de-duplicates), so they are retried; server streams are not (gRPC cannot
// replay a stream that has started delivering).
const std::map<std::string, std::map<std::string, bool>>& RetryPolicyTable();

// OK when the table names every method of every KIP service, and only those.
absl::Status CheckRetryPolicy();

// The retried methods of `service`. Aborts with the check's message if the
// table disagrees with the descriptors (a programming error that
// //sdk/cpp:retry_policy_test catches first).
std::set<std::string> RetriedMethods(const std::string& service);

// RetriedMethods of every KIP service, for a channel shared by all of them.
std::map<std::string, std::set<std::string>> RetriedMethodsOfAllServices();

// INVALID_ARGUMENT naming the first of `methods` that `service` lacks.
absl::Status CheckMethodsExist(const std::string& service,
                               const std::set<std::string>& methods);

}  // namespace kip

#endif  // KIP_SDK_CPP_RETRY_POLICY_H_
