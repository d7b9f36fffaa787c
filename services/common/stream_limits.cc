#include "services/common/stream_limits.h"

#include <atomic>

#include "absl/base/const_init.h"
#include "absl/synchronization/mutex.h"

namespace kip {
namespace {

ABSL_CONST_INIT absl::Mutex limits_mu(absl::kConstInit);
StreamLimits* limits ABSL_GUARDED_BY(limits_mu) = nullptr;
std::atomic<int> open_streams{0};

}  // namespace

void SetStreamLimits(const StreamLimits& new_limits) {
  absl::MutexLock lock(&limits_mu);
  if (limits == nullptr) limits = new StreamLimits;
  *limits = new_limits;
}

StreamLimits CurrentStreamLimits() {
  absl::MutexLock lock(&limits_mu);
  return limits == nullptr ? StreamLimits{} : *limits;
}

bool TryAcquireStreamSlot() {
  const int max = CurrentStreamLimits().max_open_streams;
  int open = open_streams.load();
  while (open < max) {
    if (open_streams.compare_exchange_weak(open, open + 1)) return true;
  }
  return false;
}

void ReleaseStreamSlot() { open_streams--; }

int OpenStreams() { return open_streams.load(); }

}  // namespace kip
