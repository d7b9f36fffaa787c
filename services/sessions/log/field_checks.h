// The field checks every payload validator of the session log uses: an
// INVALID_ARGUMENT that names the field path and the bound it broke.
#ifndef KIP_SERVICES_SESSIONS_LOG_FIELD_CHECKS_H_
#define KIP_SERVICES_SESSIONS_LOG_FIELD_CHECKS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kip::sessions::field_checks {

inline constexpr size_t kMaxTextLength = 2000;

absl::Status Invalid(const std::string& path, const std::string& message);
// A finite number within [lo, hi], in `unit`.
absl::Status InRange(const std::string& path, double value, double lo,
                     double hi, absl::string_view unit);
// Free text of at most `max_length` bytes; `required`: not empty.
absl::Status Text(const std::string& path, const std::string& value,
                  bool required, size_t max_length = kMaxTextLength);

}  // namespace kip::sessions::field_checks

#endif  // KIP_SERVICES_SESSIONS_LOG_FIELD_CHECKS_H_
