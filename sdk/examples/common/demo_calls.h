// What the demo tools (pump_sim, pump_replay) share: a connection to a
// service as the holder of a token, and calls that must succeed - a demo
// stops at the first failure, naming the call and the status.
#ifndef KIP_SDK_EXAMPLES_COMMON_DEMO_CALLS_H_
#define KIP_SDK_EXAMPLES_COMMON_DEMO_CALLS_H_

#include <errno.h>  // program_invocation_short_name (glibc)

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sdk/cpp/clients.h"

namespace kip::examples {

inline ConnectionOptions DemoConnection(
    const std::string& target, const std::string& token,
    absl::Duration deadline = absl::Seconds(20)) {
  ConnectionOptions options;
  options.target = target;
  options.bearer_token = token;
  options.default_deadline = deadline;
  return options;
}

// The value, or exit 1 with "<tool>: <what>: <status>" on stderr.
template <typename T>
T OrDie(absl::StatusOr<T> value, const char* what) {
  if (!value.ok()) {
    std::fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what,
                 value.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(value);
}

}  // namespace kip::examples

#endif  // KIP_SDK_EXAMPLES_COMMON_DEMO_CALLS_H_
