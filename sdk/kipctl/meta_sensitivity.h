// The sensitivity parts of `kipctl analytics meta`: leave-one-out,
// cumulative by year, trim-and-fill and case diagnostics (influence), as
// JSON fields and as text after the main table.
#ifndef KIP_SDK_KIPCTL_META_SENSITIVITY_H_
#define KIP_SDK_KIPCTL_META_SENSITIVITY_H_

#include "kip/analytics/v1/analytics.pb.h"
#include "nlohmann/json.hpp"

namespace kip::kipctl {

// Adds leave_one_out[], cumulative[], trim_and_fill{} and influence[] to
// `out` for the parts the result holds.
void AddSensitivityJson(const kip::analytics::v1::RunMetaAnalysisResponse& r,
                        nlohmann::json& out);
void PrintSensitivity(const kip::analytics::v1::RunMetaAnalysisResponse& r);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_META_SENSITIVITY_H_
