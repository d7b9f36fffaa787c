// The C ABI's unary calls on serialized protobuf, dispatched by full method
// name to the SDK's typed connections: the same retry policy, deadlines,
// tokens and status mapping as every other KIP client. The table is checked
// against the service descriptors (every unary RPC of every KIP service).
#ifndef KIP_SDK_C_TYPED_CALLS_H_
#define KIP_SDK_C_TYPED_CALLS_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sdk/cpp/analytics_client.h"
#include "sdk/cpp/connection_options.h"
#include "sdk/cpp/dosing_client.h"
#include "sdk/cpp/sessions_client.h"

namespace kip::c_abi {

// Serialized request in, serialized response out.
using TypedCall = std::function<absl::StatusOr<std::string>(
    const std::string& request, const CallOptions& call)>;

// "/kip.dosing.v1.DosingService/PlanCourse" -> the call over `dosing`, etc.
std::map<std::string, TypedCall> TypedCalls(
    std::shared_ptr<DosingConnection> dosing,
    std::shared_ptr<SessionLogConnection> sessions,
    std::shared_ptr<AnalyticsConnection> analytics);

// The unary methods of the KIP services ("/pkg.Service/Method") that `calls`
// lacks; empty when the table is whole.
std::vector<std::string> MissingUnaryMethods(
    const std::map<std::string, TypedCall>& calls);

}  // namespace kip::c_abi

#endif  // KIP_SDK_C_TYPED_CALLS_H_
