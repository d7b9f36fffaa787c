// Serialized requests from text: the request type is looked up from the
// method path among the KIP protos linked into the binary.
#ifndef KIP_TESTS_BENCH_LOADGEN_REQUEST_TEXT_H_
#define KIP_TESTS_BENCH_LOADGEN_REQUEST_TEXT_H_

#include <string>

#include "absl/status/statusor.h"

namespace kip::loadgen {

// `method` is "/pkg.Service/Method"; `textproto` its request in text format.
absl::StatusOr<std::string> SerializeRequest(const std::string& method,
                                             const std::string& textproto);

}  // namespace kip::loadgen

#endif  // KIP_TESTS_BENCH_LOADGEN_REQUEST_TEXT_H_
