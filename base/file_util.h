// Reads a whole file (keys, certificates) into a string: the one place the
// servers and tools read PEM files from disk.
#ifndef KIP_BASE_FILE_UTIL_H_
#define KIP_BASE_FILE_UTIL_H_

#include <string>

#include "absl/status/statusor.h"

namespace kip {

// NOT_FOUND "cannot read <path>" when the file cannot be opened.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace kip

#endif  // KIP_BASE_FILE_UTIL_H_
