// A server-streaming reactor fed by its own thread: the producer writes one
// message at a time (blocking until gRPC has taken it) and may wait for new
// data, without holding a gRPC callback thread. Used for long streams
// (StreamEvents with follow, ExportStudy).
#ifndef KIP_SERVICES_COMMON_THREADED_WRITE_REACTOR_H_
#define KIP_SERVICES_COMMON_THREADED_WRITE_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "services/common/status_mapping.h"

namespace kip {

template <typename Response>
class ThreadedWriteReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  // `write(message)` returns false once the client is gone; `cancelled()`
  // lets a producer stop waiting. The producer's status finishes the call.
  using Writer = std::function<bool(const Response&)>;
  using Producer = std::function<absl::Status(
      const Writer& write, const std::function<bool()>& cancelled)>;

  explicit ThreadedWriteReactor(Producer producer) {
    thread_ = std::thread([this, producer = std::move(producer)] {
      absl::Status status =
          producer([this](const Response& message) { return Write(message); },
                   [this] {
                     absl::MutexLock lock(&mu_);
                     return cancelled_;
                   });
      this->Finish(ToGrpcStatus(status));
    });
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    write_ok_ = ok;
    writing_ = false;
  }
  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
  }
  void OnDone() override {
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();
    } else {
      thread_.join();
    }
    delete this;
  }

 private:
  bool Write(const Response& message) {
    {
      absl::MutexLock lock(&mu_);
      if (cancelled_ || !write_ok_) return false;
      writing_ = true;
    }
    this->StartWrite(&message);
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](ThreadedWriteReactor* r)
             ABSL_NO_THREAD_SAFETY_ANALYSIS { return !r->writing_; },
        this));
    return write_ok_ && !cancelled_;
  }

  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool write_ok_ ABSL_GUARDED_BY(mu_) = true;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_THREADED_WRITE_REACTOR_H_
