// A server-streaming reactor that only finishes with a status (for calls
// refused before any message).
#ifndef KIP_SERVICES_COMMON_FINISHED_WRITE_REACTOR_H_
#define KIP_SERVICES_COMMON_FINISHED_WRITE_REACTOR_H_

#include <grpcpp/grpcpp.h>

namespace kip {

template <typename Response>
class FinishedWriteReactor : public grpc::ServerWriteReactor<Response> {
 public:
  explicit FinishedWriteReactor(const grpc::Status& status) {
    this->Finish(status);
  }
  void OnDone() override { delete this; }
};

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_FINISHED_WRITE_REACTOR_H_
