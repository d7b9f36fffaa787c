#include "tests/bench/loadgen/platform_floor.h"

#include <algorithm>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace kip::loadgen {

WakeupLatency MeasureWakeupLatency(int samples, absl::Duration gap) {
  absl::Mutex mu;
  bool posted = false;  // guarded by mu
  absl::Time posted_at;
  std::vector<absl::Duration> latencies;
  latencies.reserve(samples);
  std::thread waiter([&] {
    for (int i = 0; i < samples; ++i) {
      absl::MutexLock lock(&mu);
      mu.Await(absl::Condition(&posted));
      latencies.push_back(absl::Now() - posted_at);
      posted = false;
    }
  });
  for (int i = 0; i < samples; ++i) {
    absl::SleepFor(gap);
    absl::MutexLock lock(&mu);
    posted_at = absl::Now();
    posted = true;
    auto taken = [&posted] { return !posted; };
    mu.Await(absl::Condition(&taken));
  }
  waiter.join();
  std::sort(latencies.begin(), latencies.end());
  return {
      latencies[latencies.size() / 2],
      latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)]};
}

}  // namespace kip::loadgen
