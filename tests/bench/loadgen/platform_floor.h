// What the machine itself allows, measured in the same run as the load: how
// long one thread takes to wake another (the floor under any latency that
// crosses threads, as every gRPC call does). On this shared virtual machine
// it drifts from tens of microseconds to over ten milliseconds at p99.
#ifndef KIP_TESTS_BENCH_LOADGEN_PLATFORM_FLOOR_H_
#define KIP_TESTS_BENCH_LOADGEN_PLATFORM_FLOOR_H_

#include <cstdint>

#include "absl/time/time.h"

namespace kip::loadgen {

struct WakeupLatency {
  absl::Duration p50, p99;
};

// `samples` hand-offs between two threads, one every `gap` (so the woken
// thread has gone idle, as between calls at half load).
WakeupLatency MeasureWakeupLatency(
    int samples = 2000, absl::Duration gap = absl::Microseconds(300));

// Share of CPU time the hypervisor gave to other guests ("steal" in
// /proc/stat) between two readings: while it is high, every thread here can
// stall for milliseconds, whatever the code does.
class StealMeter {
 public:
  StealMeter();  // the first reading
  // Percent of all CPU time stolen since construction; -1 if unreadable.
  double PercentSinceStart() const;

 private:
  uint64_t total_ = 0, steal_ = 0;
};

}  // namespace kip::loadgen

#endif  // KIP_TESTS_BENCH_LOADGEN_PLATFORM_FLOOR_H_
