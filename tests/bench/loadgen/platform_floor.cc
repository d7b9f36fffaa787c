#include "tests/bench/loadgen/platform_floor.h"

#include <algorithm>
#include <fstream>
#include <string>
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

namespace {

// Sums of the aggregate "cpu" line of /proc/stat: all fields, and steal (the
// eighth). False when the file cannot be read.
bool ReadCpuTicks(uint64_t& total, uint64_t& steal) {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  if (!(stat >> cpu) || cpu != "cpu") return false;
  total = steal = 0;
  uint64_t value = 0;
  for (int field = 1; field <= 10 && stat >> value; ++field) {
    if (field <= 8) total += value;  // guest time is already in user
    if (field == 8) steal = value;
  }
  return total > 0;
}

}  // namespace

StealMeter::StealMeter() {
  if (!ReadCpuTicks(total_, steal_)) total_ = steal_ = 0;
}

double StealMeter::PercentSinceStart() const {
  uint64_t total = 0, steal = 0;
  if (total_ == 0 || !ReadCpuTicks(total, steal) || total <= total_) return -1;
  return 100.0 * static_cast<double>(steal - steal_) /
         static_cast<double>(total - total_);
}

}  // namespace kip::loadgen
