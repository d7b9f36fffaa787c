#include "services/sessions/log/field_checks.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/common/error_details.h"

namespace kip::sessions::field_checks {

absl::Status Invalid(const std::string& path, const std::string& message) {
  return FieldError(absl::StatusCode::kInvalidArgument, path, message);
}

absl::Status InRange(const std::string& path, double value, double lo,
                     double hi, absl::string_view unit) {
  if (!std::isfinite(value) || value < lo || value > hi) {
    return Invalid(
        path, absl::StrCat(value, " is outside ", lo, "..", hi, " ", unit));
  }
  return absl::OkStatus();
}

absl::Status Text(const std::string& path, const std::string& value,
                  bool required, size_t max_length) {
  if (required && value.empty()) return Invalid(path, "is required");
  if (value.size() > max_length) {
    return Invalid(
        path, absl::StrCat("is ", value.size(), " bytes long, the limit is ",
                           max_length));
  }
  return absl::OkStatus();
}

}  // namespace kip::sessions::field_checks
