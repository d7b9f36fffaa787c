// Reads a meta-analysis CSV (header row, columns in any order, `subgroup` and
// `year` optional). Each row is one kind of data, the first whose columns it
// fills, so kinds can be mixed in one file:
//   dichotomous  events_treatment,total_treatment,events_control,total_control
//   median       median_treatment,n_treatment,median_control,n_control plus
//                q1_/q3_ and/or min_/max_ per arm (Luo 2018 mean, Wan 2014 SD)
//   change       mean_baseline_*,sd_baseline_*,mean_final_*,sd_final_*,n_* per
//                arm, and correlation (baseline to final)
//   paired       n,mean_treatment,sd_treatment,mean_control,sd_control,
//                correlation (a crossover; MD only)
//   continuous   mean_treatment,sd_treatment,n_treatment,mean_control,
//                sd_control,n_control
//   interval     estimate,ci_lower,ci_upper[,ci_level] (ratios as ratios)
//   generic      estimate,se (analysis scale: log for ratios)
// Any other column (a moderator such as dose_mg_per_kg or control) is kept
// per study in `factors`, as text, under its lower-cased name. Errors name
// the row and column.
#ifndef KIP_SDK_KIPCTL_STUDY_CSV_H_
#define KIP_SDK_KIPCTL_STUDY_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kip/analytics/v1/analytics.pb.h"

namespace kip::kipctl {

absl::StatusOr<std::vector<kip::analytics::v1::StudyData>> ParseStudyCsv(
    const std::string& text);

// Reads a network meta-analysis CSV, one row per arm: study,treatment plus
// events,total (binary measures) or mean,sd,n (MD). Errors name the row and
// column.
absl::StatusOr<std::vector<kip::analytics::v1::NetworkArmData>> ParseArmCsv(
    const std::string& text);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_STUDY_CSV_H_
