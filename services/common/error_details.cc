#include "services/common/error_details.h"

#include "absl/strings/str_cat.h"

namespace kip {

absl::Status FieldError(absl::StatusCode code, const std::string& field_path,
                        const std::string& description,
                        const std::string& bound, int ihe_pcd_code) {
  std::string message = absl::StrCat(field_path, ": ", description);
  if (!bound.empty() || ihe_pcd_code != 0) {
    absl::StrAppend(
        &message, " (", bound, bound.empty() || ihe_pcd_code == 0 ? "" : "; ",
        ihe_pcd_code ? absl::StrCat("IHE ", ihe_pcd_code) : "", ")");
  }
  absl::Status status(code, message);
  kip::common::v1::ErrorDetails details;
  kip::common::v1::FieldViolation* violation = details.add_violations();
  violation->set_field_path(field_path);
  violation->set_description(description);
  violation->set_bound(bound);
  violation->set_ihe_pcd_code(ihe_pcd_code);
  status.SetPayload(kErrorDetailsPayloadUrl,
                    absl::Cord(details.SerializeAsString()));
  return status;
}

std::optional<std::string> ErrorDetailsBytes(const absl::Status& status) {
  const auto payload = status.GetPayload(kErrorDetailsPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  return std::string(*payload);
}

}  // namespace kip
