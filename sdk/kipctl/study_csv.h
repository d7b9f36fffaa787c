// Reads a meta-analysis CSV (header row, columns in any order, `subgroup` and
// `year` optional): dichotomous `study,events_treatment,total_treatment,
// events_control,total_control`; continuous `study,mean_treatment,
// sd_treatment,n_treatment,mean_control,sd_control,n_control`; generic
// `study,estimate,se`. Any other column (a moderator such as dose_mg_per_kg
// or control) is kept per study in `factors`, as text, under its lower-cased
// name. Errors name the row and column.
#ifndef KIP_SDK_KIPCTL_STUDY_CSV_H_
#define KIP_SDK_KIPCTL_STUDY_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kip/analytics/v1/analytics.pb.h"

namespace kip::kipctl {

absl::StatusOr<std::vector<kip::analytics::v1::StudyData>> ParseStudyCsv(
    const std::string& text);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_STUDY_CSV_H_
