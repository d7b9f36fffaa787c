// Runs service handlers only for authenticated, authorized callers. gRPC C++
// server interceptors cannot refuse a call (grpc/grpc#24017), so every handler
// of every KIP service enters through RpcGuard; the integration tests call
// every RPC of every service without a token to prove none is missed.
//
//   grpc::ServerUnaryReactor* PlanCourse(grpc::CallbackServerContext* ctx,
//                                        const Req* req, Resp* resp) override {
//     return guard_.Unary(ctx, "PlanCourse", [&](const Principal& caller) {
//       return core_.PlanCourse(*req, resp);   // absl::Status
//     });
//   }
#ifndef KIP_SERVICES_COMMON_RPC_GUARD_H_
#define KIP_SERVICES_COMMON_RPC_GUARD_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_mapping.h"
#include "services/common/access_policy.h"
#include "services/common/authenticator.h"
#include "services/common/error_details.h"
#include "services/common/finished_write_reactor.h"

namespace kip {

class RpcGuard {
 public:
  RpcGuard(const Authenticator& authenticator, const AccessPolicy& policy)
      : authenticator_(authenticator), policy_(policy) {}

  absl::StatusOr<Principal> Check(grpc::CallbackServerContext* context,
                                  absl::string_view method) const {
    return authenticator_.Authenticate(
        context->client_metadata(), policy_,
        absl::StrCat("/", policy_.service(), "/", method));
  }

  // `handler(const Principal&)` returns absl::Status and fills the response.
  template <typename Handler>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context,
                                  absl::string_view method,
                                  Handler&& handler) const {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    absl::StatusOr<Principal> caller = Check(context, method);
    const absl::Status status =
        caller.ok() ? handler(*caller) : caller.status();
    if (std::optional<std::string> details = ErrorDetailsBytes(status)) {
      context->AddTrailingMetadata(kErrorDetailsTrailer, *details);
    }
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  }

  // For streaming RPCs: `start(const Principal&)` returns the reactor that
  // serves the stream; callers who fail the check get a finished one.
  template <typename Response, typename Start>
  grpc::ServerWriteReactor<Response>* Stream(
      grpc::CallbackServerContext* context, absl::string_view method,
      Start&& start) const {
    absl::StatusOr<Principal> caller = Check(context, method);
    if (!caller.ok()) {
      return new FinishedWriteReactor<Response>(ToGrpcStatus(caller.status()));
    }
    return start(*caller);
  }

 private:
  const Authenticator& authenticator_;
  const AccessPolicy& policy_;
};

// The caller's bearer token, to call another KIP service on their behalf
// (their role and identity, not the server's); "" without one.
inline std::string CallerBearerToken(
    const grpc::CallbackServerContext* context) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return "";
  const std::string value(it->second.data(), it->second.size());
  return value.rfind("Bearer ", 0) == 0 ? value.substr(7) : "";
}

// The answer of an RPC whose logic has not landed yet: never fake data.
inline absl::Status NotYetImplemented(absl::string_view method,
                                      absl::string_view issue) {
  return absl::UnimplementedError(
      absl::StrCat(method, " is not implemented yet (", issue, ")"));
}

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_RPC_GUARD_H_
