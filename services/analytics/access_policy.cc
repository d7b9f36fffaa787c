#include "services/analytics/access_policy.h"

namespace kip::analytics {

const AccessPolicy& AnalyticsAccessPolicy() {
  // Pooling published numbers is open to clinicians too; outcomes computed
  // from logged patients are for researchers and admins. Devices have no use
  // for analytics; the
  // unblinded statistician may ask everything a researcher may.
  static const AccessPolicy* const kPolicy = new AccessPolicy(
      "kip.analytics.v1.AnalyticsService",
      {
          {"RunMetaAnalysis",
           {Role::kClinician, Role::kResearcher, Role::kAdmin,
            Role::kStatistician}},
          {"ComputeStudyOutcomes",
           {Role::kResearcher, Role::kAdmin, Role::kStatistician}},
          {"AnalyzeBaselinePredictors",
           {Role::kResearcher, Role::kAdmin, Role::kStatistician}},
          {"RenderForestPlot",
           {Role::kClinician, Role::kResearcher, Role::kAdmin,
            Role::kStatistician}},
          {"RenderFunnelPlot",
           {Role::kClinician, Role::kResearcher, Role::kAdmin,
            Role::kStatistician}},
          {"RunMetaRegression",
           {Role::kClinician, Role::kResearcher, Role::kAdmin,
            Role::kStatistician}},
          // Drug-library quality: the pharmacy and quality teams read it
          // as researchers do (pseudonymous, no free text).
          {"ComputeDrugLibraryReport",
           {Role::kResearcher, Role::kAdmin, Role::kStatistician}},
          {"RunNetworkMetaAnalysis",
           {Role::kClinician, Role::kResearcher, Role::kAdmin,
            Role::kStatistician}},
      });
  return *kPolicy;
}

}  // namespace kip::analytics
