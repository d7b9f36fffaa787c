// How kipctl ends a command that failed: one line on stderr, and the exit
// status users script against (2: invalid input, 1: anything else).
#ifndef KIP_SDK_KIPCTL_EXIT_STATUS_H_
#define KIP_SDK_KIPCTL_EXIT_STATUS_H_

#include <string>

#include "absl/status/status.h"

namespace kip::kipctl {

// Prints `message` and returns 2.
int InvalidInput(const std::string& message);
// Prints the call's message on one line; 2 for INVALID_ARGUMENT and
// FAILED_PRECONDITION (the request was wrong), 1 otherwise.
int CallFailed(const absl::Status& status);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_EXIT_STATUS_H_
