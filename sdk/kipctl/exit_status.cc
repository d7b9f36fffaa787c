#include "sdk/kipctl/exit_status.h"

#include <algorithm>
#include <cstdio>

namespace kip::kipctl {

int InvalidInput(const std::string& message) {
  std::fprintf(stderr, "kipctl: %s\n", message.c_str());
  return 2;
}

int RpcFailed(const grpc::Status& status) {
  std::string message = status.error_message();
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::fprintf(stderr, "kipctl: %s\n", message.c_str());
  return status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
                 status.error_code() == grpc::StatusCode::FAILED_PRECONDITION
             ? 2
             : 1;
}

}  // namespace kip::kipctl
