// Machine-readable detail of a refused request: the field path, what is wrong,
// the bound broken and an IHE PCD PIV code, carried as an absl::Status payload
// and sent to clients as the binary trailer `kip-error-details-bin` (a
// serialized kip.common.v1.ErrorDetails). The message stays readable alone.
#ifndef KIP_SERVICES_COMMON_ERROR_DETAILS_H_
#define KIP_SERVICES_COMMON_ERROR_DETAILS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "kip/common/v1/common.pb.h"

namespace kip {

inline constexpr char kErrorDetailsTrailer[] = "kip-error-details-bin";
inline constexpr char kErrorDetailsPayloadUrl[] =
    "type.googleapis.com/kip.common.v1.ErrorDetails";

// "<field_path>: <description> (<bound>; IHE <code>)" with the details
// attached.
absl::Status FieldError(absl::StatusCode code, const std::string& field_path,
                        const std::string& description,
                        const std::string& bound = "", int ihe_pcd_code = 0);

// The serialized ErrorDetails of `status`, if it has any.
std::optional<std::string> ErrorDetailsBytes(const absl::Status& status);

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_ERROR_DETAILS_H_
