#include "tests/bench/loadgen/load_generator.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

namespace kip::loadgen {
namespace {

// The q-quantile of microsecond samples, sorted in place; zero when empty.
absl::Duration Quantile(std::vector<int64_t>& samples_us, double q) {
  if (samples_us.empty()) return absl::ZeroDuration();
  std::sort(samples_us.begin(), samples_us.end());
  const size_t i = std::min(samples_us.size() - 1,
                            static_cast<size_t>(q * samples_us.size()));
  return absl::Microseconds(samples_us[i]);
}

// Latencies and outcomes of completed calls; filled from gRPC's threads.
class Recorder {
 public:
  void Record(absl::Duration latency, const grpc::Status& status) {
    absl::MutexLock lock(&mu_);
    if (status.ok()) {
      latencies_us_.push_back(absl::ToInt64Microseconds(latency));
    } else {
      ++errors_by_code_[status.error_code()];
      if (errors_++ == 0) {
        first_error_ =
            absl::StrCat(status.error_code(), ": ", status.error_message());
      }
    }
  }
  LoadResult Result(absl::Duration measured) {
    absl::MutexLock lock(&mu_);
    LoadResult r;
    r.calls = static_cast<int64_t>(latencies_us_.size());
    r.errors = errors_;
    r.first_error = first_error_;
    r.errors_by_code = errors_by_code_;
    r.calls_per_s = r.calls / absl::ToDoubleSeconds(measured);
    r.p50 = Quantile(latencies_us_, 0.50);
    r.p90 = Quantile(latencies_us_, 0.90);
    r.p99 = Quantile(latencies_us_, 0.99);
    r.p999 = Quantile(latencies_us_, 0.999);
    return r;
  }

 private:
  absl::Mutex mu_;
  std::vector<int64_t> latencies_us_ ABSL_GUARDED_BY(mu_);
  int64_t errors_ ABSL_GUARDED_BY(mu_) = 0;
  std::string first_error_ ABSL_GUARDED_BY(mu_);
  std::map<int, int64_t> errors_by_code_ ABSL_GUARDED_BY(mu_);
};

// One call: owns its context and buffers until its callback has run.
struct Call {
  grpc::ClientContext context;
  grpc::ByteBuffer request;  // only when built per call
  grpc::ByteBuffer response;
  absl::Time scheduled;
};

class Generator {
 public:
  explicit Generator(const LoadSpec& spec) : spec_(spec) {
    grpc::Slice slice(spec.request_bytes);
    request_ = grpc::ByteBuffer(&slice, 1);
    for (int i = 0; i < std::max(1, spec.channels); ++i) {
      grpc::ChannelArguments args;
      args.SetInt("grpc.channel_id", i);  // distinct connections
      stubs_.push_back(
          std::make_unique<grpc::GenericStub>(grpc::CreateCustomChannel(
              spec.target, grpc::InsecureChannelCredentials(), args)));
    }
  }

  LoadResult RunClosed() {
    const absl::Time start = absl::Now();
    end_ = start + spec_.duration;
    for (int slot = 0; slot < spec_.concurrency; ++slot) {
      in_flight_++;
      Issue(slot, absl::Now(), /*chain=*/true);
    }
    Release();
    done_.WaitForNotification();
    return recorder_.Result(absl::Now() - start);
  }

  LoadResult RunOpen() {
    const absl::Time start = absl::Now();
    end_ = start + spec_.duration;
    const absl::Duration interval = absl::Seconds(1.0 / spec_.rate_per_s);
    absl::Time next = start;
    int64_t n = 0;
    // How late this thread sent each call: when large, the latency tail is
    // the client machine's, not the server's.
    std::vector<int64_t> issue_lags_us;
    while (next < end_) {
      const absl::Time now = absl::Now();
      if (now < next) absl::SleepFor(next - now);
      issue_lags_us.push_back(absl::ToInt64Microseconds(absl::Now() - next));
      in_flight_++;
      Issue(static_cast<int>(n++), next, /*chain=*/false);
      next += interval;
    }
    Release();
    done_.WaitForNotification();
    LoadResult result = recorder_.Result(spec_.duration);
    result.issue_lag_p99 = Quantile(issue_lags_us, 0.99);
    return result;
  }

 private:
  void Issue(int slot, absl::Time scheduled, bool chain) {
    auto* call = new Call;
    call->scheduled = scheduled;
    call->context.set_deadline(
        absl::ToChronoTime(absl::Now() + spec_.call_deadline));
    if (!spec_.bearer_token.empty()) {
      call->context.AddMetadata("authorization",
                                "Bearer " + spec_.bearer_token);
    }
    const grpc::ByteBuffer* request = &request_;
    if (spec_.request_factory) {
      grpc::Slice slice(spec_.request_factory(issued_++));
      call->request = grpc::ByteBuffer(&slice, 1);
      request = &call->request;
    }
    grpc::GenericStub& stub = *stubs_[slot % stubs_.size()];
    stub.UnaryCall(&call->context, spec_.method, grpc::StubOptions(), request,
                   &call->response, [this, call, slot, chain](grpc::Status s) {
                     const absl::Time done = absl::Now();
                     recorder_.Record(done - call->scheduled, s);
                     delete call;
                     if (chain && done < end_) {
                       Issue(slot, absl::Now(), true);
                       return;
                     }
                     Release();
                   });
  }

  // The issuer holds one count until it has issued everything, so the count
  // reaches zero once, after the last call. absl::Notification may be
  // destroyed as soon as the waiter returns, unlike a mutex being unlocked.
  void Release() {
    if (in_flight_.fetch_sub(1) == 1) done_.Notify();
  }

  const LoadSpec& spec_;
  grpc::ByteBuffer request_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  absl::Time end_;
  Recorder recorder_;
  std::atomic<int> in_flight_{1};  // the issuer's own count
  std::atomic<int64_t> issued_{0};
  absl::Notification done_;
};

}  // namespace

bool IsLoopbackTarget(const std::string& target) {
  std::string host = target;
  if (absl::StartsWith(host, "ipv4:")) host = host.substr(5);
  if (absl::StartsWith(host, "ipv6:")) host = host.substr(5);
  return absl::StartsWith(host, "127.") ||
         absl::StartsWith(host, "localhost:") ||
         absl::StartsWith(host, "[::1]:") || absl::StartsWith(host, "unix:");
}

absl::StatusOr<LoadResult> RunLoad(const LoadSpec& spec) {
  if (!IsLoopbackTarget(spec.target)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target: '", spec.target,
        "' is not loopback; the load generator only drives local servers"));
  }
  if (spec.method.empty() || spec.method[0] != '/') {
    return absl::InvalidArgumentError(
        "method: give the full path, /package.Service/Method");
  }
  if (spec.concurrency < 1 || spec.concurrency > 10000) {
    return absl::InvalidArgumentError("concurrency: 1..10000");
  }
  if (spec.rate_per_s < 0 || spec.rate_per_s > 1e6) {
    return absl::InvalidArgumentError("rate_per_s: 0..1e6");
  }
  if (spec.duration <= absl::ZeroDuration() ||
      spec.duration > absl::Minutes(10)) {
    return absl::InvalidArgumentError("duration: (0, 10 min]");
  }
  Generator generator(spec);
  return spec.rate_per_s > 0 ? generator.RunOpen() : generator.RunClosed();
}

}  // namespace kip::loadgen
