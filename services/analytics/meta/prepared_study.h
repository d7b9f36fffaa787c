// One study of a request made ready to pool: its effect on the analysis
// scale (log for ratios) from its 2x2 table, arm summaries or generic
// estimate, as the measure and convention ask; shared by the meta-analysis
// and the meta-regression.
#ifndef KIP_SERVICES_ANALYTICS_META_PREPARED_STUDY_H_
#define KIP_SERVICES_ANALYTICS_META_PREPARED_STUDY_H_

#include <string>

#include "absl/status/statusor.h"
#include "kip/analytics/v1/analytics.pb.h"
#include "services/analytics/meta/effect_size.h"
#include "services/analytics/meta/tau2.h"

namespace kip::meta {

namespace av1 = kip::analytics::v1;

// One study, ready to pool: its effect (analysis scale) and, for 2x2 data,
// its table; or the reason it is excluded.
struct Prepared {
  std::string name, subgroup;
  int year = 0;
  Effect effect;
  bool has_table = false;
  DichotomousArms table;
  std::string excluded_reason;
};

// INVALID_ARGUMENT naming studies[index] when its data do not fit the measure.
absl::StatusOr<Prepared> PrepareStudy(const av1::StudyData& s, int index,
                                      const av1::MetaAnalysisOptions& o);

// Ratios (RR, OR, Peto OR) are analysed on the log scale.
bool IsRatio(av1::EffectMeasure m);
// An analysis-scale value on the reporting scale (exp for ratios).
double Report(av1::EffectMeasure m, double value);
Tau2Method Tau2Of(av1::Tau2Estimator e);

}  // namespace kip::meta

#endif  // KIP_SERVICES_ANALYTICS_META_PREPARED_STUDY_H_
