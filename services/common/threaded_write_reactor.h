// A server-streaming reactor fed by its own thread: the producer writes one
// message at a time (blocking until gRPC has taken it) and may wait for new
// data, without holding a gRPC callback thread. Used for long streams
// (StreamEvents with follow, ExportStudy). Bounded by stream_limits.h: at most
// max_open_streams at once (RESOURCE_EXHAUSTED beyond), and a client that
// stops reading for write_stall_timeout has its call cancelled, so slow or
// stuck clients cannot pin threads.
#ifndef KIP_SERVICES_COMMON_THREADED_WRITE_REACTOR_H_
#define KIP_SERVICES_COMMON_THREADED_WRITE_REACTOR_H_

#include <grpcpp/grpcpp.h>
#include <pthread.h>

#include <functional>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/status_mapping.h"
#include "services/common/finished_write_reactor.h"
#include "services/common/stream_limits.h"

namespace kip {

// The name of every stream's producer thread (at most 15 characters).
inline constexpr char kStreamThreadName[] = "kip-stream";

template <typename Response>
class ThreadedWriteReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  // `write(message)` returns false once the client is gone (or stalled);
  // `cancelled()` lets a producer stop waiting. The producer's status
  // finishes the call.
  using Writer = std::function<bool(const Response&)>;
  using Producer = std::function<absl::Status(
      const Writer& write, const std::function<bool()>& cancelled)>;

  // The reactor for a new stream, or one that refuses it when too many are
  // open.
  static grpc::ServerWriteReactor<Response>* Start(
      grpc::CallbackServerContext* context, Producer producer) {
    if (!TryAcquireStreamSlot()) {
      return new FinishedWriteReactor<Response>(
          ToGrpcStatus(absl::ResourceExhaustedError(
              absl::StrCat(OpenStreams(),
                           " streams are open on this server (the limit); "
                           "retry after a backoff"))));
    }
    return new ThreadedWriteReactor(context, std::move(producer));
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
    ReleaseStreamSlot();
    delete this;
  }

 private:
  ThreadedWriteReactor(grpc::CallbackServerContext* context, Producer producer)
      : context_(context), stall_(CurrentStreamLimits().write_stall_timeout) {
    thread_ = std::thread([this, producer = std::move(producer)] {
      // Named, so that a stuck stream's thread can be told from gRPC's own.
      pthread_setname_np(pthread_self(), kStreamThreadName);
      absl::Status status =
          producer([this](const Response& message) { return Write(message); },
                   [this] {
                     absl::MutexLock lock(&mu_);
                     return cancelled_;
                   });
      bool stalled;
      {
        absl::MutexLock lock(&mu_);
        stalled = stalled_;
      }
      // A write is still pending that the client will not take: cancel the
      // call (its pending write then fails) and finish it, so that OnDone
      // comes and frees the slot.
      if (stalled) context_->TryCancel();
      this->Finish(stalled ? grpc::Status(grpc::StatusCode::CANCELLED,
                                          "the client stopped reading")
                           : ToGrpcStatus(status));
    });
  }

  bool Write(const Response& message) {
    {
      absl::MutexLock lock(&mu_);
      if (cancelled_ || !write_ok_ || stalled_) return false;
      writing_ = true;
      pending_ = message;  // gRPC may read it until OnWriteDone
    }
    this->StartWrite(&pending_);
    absl::MutexLock lock(&mu_);
    const bool done = mu_.AwaitWithTimeout(
        absl::Condition(
            +[](ThreadedWriteReactor* r)
                 ABSL_NO_THREAD_SAFETY_ANALYSIS { return !r->writing_; },
            this),
        stall_);
    if (!done) stalled_ = true;
    return done && write_ok_ && !cancelled_;
  }

  grpc::CallbackServerContext* const context_;
  const absl::Duration stall_;
  absl::Mutex mu_;
  Response pending_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool write_ok_ ABSL_GUARDED_BY(mu_) = true;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool stalled_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_THREADED_WRITE_REACTOR_H_
