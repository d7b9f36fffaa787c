// How every SDK connection makes a call: a context from the connection's and
// the call's options, then a blocking unary call or a stream read to the end.
// Internal to the SDK's connections.
#ifndef KIP_SDK_CPP_CALL_H_
#define KIP_SDK_CPP_CALL_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "base/status_mapping.h"
#include "sdk/cpp/connection_options.h"

namespace kip {

template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Unary(
    const ConnectionOptions& options, const CallOptions& call, Stub* stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const Request& request) {
  absl::StatusOr<std::unique_ptr<grpc::ClientContext>> context =
      MakeContext(options, call);
  if (!context.ok()) return context.status();
  Response response;
  const grpc::Status status =
      (stub->*method)(context->get(), request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

// Reads a server stream to its end, or until `on_message` returns false (then
// the call is cancelled and the result is OK).
template <typename Response>
absl::Status ReadStream(
    const ConnectionOptions& options, const CallOptions& call,
    const std::function<std::unique_ptr<grpc::ClientReader<Response>>(
        grpc::ClientContext*)>& start,
    const std::function<bool(const Response&)>& on_message) {
  absl::StatusOr<std::unique_ptr<grpc::ClientContext>> context =
      MakeContext(options, call);
  if (!context.ok()) return context.status();
  std::unique_ptr<grpc::ClientReader<Response>> reader = start(context->get());
  Response message;
  while (reader->Read(&message)) {
    if (!on_message(message)) {
      (*context)->TryCancel();
      reader->Finish().ok();  // CANCELLED, as asked
      return absl::OkStatus();
    }
  }
  return FromGrpcStatus(reader->Finish());
}

}  // namespace kip

#endif  // KIP_SDK_CPP_CALL_H_
