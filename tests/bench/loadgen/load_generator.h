// An asynchronous gRPC load generator (callback API, generic stub): drives
// one RPC, given as a method path and serialized request, at a fixed number
// of calls in flight (closed loop) or at a fixed rate (open loop, latency
// measured from each call's scheduled time, so a stalled server is not
// hidden), for a bounded time, against loopback only.
#ifndef KIP_TESTS_BENCH_LOADGEN_LOAD_GENERATOR_H_
#define KIP_TESTS_BENCH_LOADGEN_LOAD_GENERATOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kip::loadgen {

struct LoadSpec {
  std::string target;         // 127.0.0.1:PORT, localhost:PORT or [::1]:PORT
  std::string method;         // "/kip.dosing.v1.DosingService/PlanCourse"
  std::string request_bytes;  // the serialized request
  // When set, builds the n-th call's request instead (fresh ids per call).
  std::function<std::string(int64_t n)> request_factory;
  std::string bearer_token;  // empty: no authorization header
  int concurrency = 8;       // closed loop: calls kept in flight
  double rate_per_s = 0;     // > 0: open loop at this rate instead
  absl::Duration duration = absl::Seconds(3);
  absl::Duration call_deadline = absl::Seconds(5);
  int channels = 2;  // calls spread over this many connections
};

struct LoadResult {
  int64_t calls = 0;   // completed OK
  int64_t errors = 0;  // completed with a non-OK status
  std::string first_error;
  std::map<int, int64_t> errors_by_code;  // grpc::StatusCode -> calls
  double calls_per_s = 0;                 // OK calls over the measured time
  absl::Duration p50, p90, p99, p999;
  // Open loop: p99 of how late the generator sent calls after their
  // scheduled time (part of every latency above).
  absl::Duration issue_lag_p99;
};

// INVALID_ARGUMENT for a target that is not loopback or a bad spec.
absl::StatusOr<LoadResult> RunLoad(const LoadSpec& spec);

// True for loopback targets (the generator refuses anything else).
bool IsLoopbackTarget(const std::string& target);

}  // namespace kip::loadgen

#endif  // KIP_TESTS_BENCH_LOADGEN_LOAD_GENERATOR_H_
