#include "sdk/kipctl/exit_status.h"

#include <algorithm>
#include <cstdio>

namespace kip::kipctl {

int InvalidInput(const std::string& message) {
  std::fprintf(stderr, "kipctl: %s\n", message.c_str());
  return 2;
}

int CallFailed(const absl::Status& status) {
  std::string message(status.message());
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::fprintf(stderr, "kipctl: %s\n", message.c_str());
  return status.code() == absl::StatusCode::kInvalidArgument ||
                 status.code() == absl::StatusCode::kFailedPrecondition
             ? 2
             : 1;
}

}  // namespace kip::kipctl
