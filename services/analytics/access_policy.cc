#include "services/analytics/access_policy.h"

namespace kip::analytics {

const AccessPolicy& AnalyticsAccessPolicy() {
  // Pooling published numbers is open to clinicians too; outcomes computed
  // from logged patients are for researchers and admins. Devices have no use
  // for analytics.
  static const AccessPolicy* const kPolicy = new AccessPolicy(
      "kip.analytics.v1.AnalyticsService",
      {
          {"RunMetaAnalysis",
           {Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"ComputeStudyOutcomes", {Role::kResearcher, Role::kAdmin}},
          {"AnalyzeBaselinePredictors", {Role::kResearcher, Role::kAdmin}},
          {"RenderForestPlot",
           {Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"RenderFunnelPlot",
           {Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"RunMetaRegression",
           {Role::kClinician, Role::kResearcher, Role::kAdmin}},
          {"RunNetworkMetaAnalysis",
           {Role::kClinician, Role::kResearcher, Role::kAdmin}},
      });
  return *kPolicy;
}

}  // namespace kip::analytics
