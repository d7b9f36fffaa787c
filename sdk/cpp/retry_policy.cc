#include "sdk/cpp/retry_policy.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "kip/analytics/v1/analytics.pb.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "kip/gateway/v1/gateway.pb.h"
#include "kip/sessions/v1/sessions.pb.h"

namespace kip {
namespace {

const google::protobuf::ServiceDescriptor* Service(const std::string& name) {
  // Referencing a message of each file links its descriptor into the pool.
  static const bool linked = [] {
    dosing::v1::PlanCourseRequest::descriptor();
    sessions::v1::AppendEventsRequest::descriptor();
    analytics::v1::RunMetaAnalysisRequest::descriptor();
    gateway::v1::ListQuarantineRequest::descriptor();
    return true;
  }();
  (void)linked;
  return google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      name);
}

}  // namespace

const std::map<std::string, std::map<std::string, bool>>& RetryPolicyTable() {
  static const auto* const kTable =
      new std::map<std::string, std::map<std::string, bool>>{
          {"kip.dosing.v1.DosingService",
           {{"ListProtocols", true},
            {"GetProtocol", true},
            {"PlanCourse", true},
            {"ValidateProgram", true},
            {"ProposeTitration", true},
            {"PredictConcentration", true}}},
          {"kip.sessions.v1.SessionLogService",
           {{"CreateStudy", true},
            {"GetStudy", true},
            {"ListStudies", true},
            {"EnrollPatient", true},
            {"GetPatient", true},
            {"StartSession", true},
            {"GetSession", true},
            {"ListSessions", true},
            {"AppendEvents", true},
            {"StreamEvents", false},
            {"GetCumulativeDose", true},
            {"VerifySession", true},
            {"GetCheckpoint", true},
            {"GetInclusionProof", true},
            {"GetConsistencyProof", true},
            {"ExportStudy", false},
            {"ListReadAudit", true},
            // Unblinding is idempotent: a second call returns the first
            // entry and logs nothing new.
            {"GetAllocationList", true},
            {"UnblindPatient", true},
            {"UnblindStudy", true},
            {"VerifyAllocations", true},
            {"ListSafetyReports", true},
            // Not idempotent: a retried signing would sign twice.
            {"SignRecords", false},
            {"ListDeviations", true}}},
          {"kip.analytics.v1.AnalyticsService",
           {{"RunMetaAnalysis", true},
            {"ComputeStudyOutcomes", true},
            {"AnalyzeBaselinePredictors", true},
            {"RenderForestPlot", true},
            {"RenderFunnelPlot", true},
            {"RunMetaRegression", true},
            {"RunNetworkMetaAnalysis", true},
            {"ComputeDrugLibraryReport", true}}},
          {"kip.gateway.v1.GatewayService",
           {{"ListQuarantine", true},
            // Not idempotent: a retried order would program the pump twice.
            {"SendOrder", false}}},
      };
  return *kTable;
}

absl::Status CheckRetryPolicy() {
  for (const auto& [name, methods] : RetryPolicyTable()) {
    const google::protobuf::ServiceDescriptor* service = Service(name);
    if (service == nullptr) {
      return absl::InternalError(
          absl::StrCat("retry policy: no service ", name));
    }
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string& method = service->method(i)->name();
      if (!methods.count(method)) {
        return absl::InternalError(absl::StrCat(
            "retry policy: ", name, ".", method, " is not in the table"));
      }
      if (methods.at(method) && service->method(i)->server_streaming()) {
        return absl::InternalError(absl::StrCat(
            "retry policy: ", name, ".", method, " streams: never retried"));
      }
    }
    for (const auto& [method, retried] : methods) {
      if (service->FindMethodByName(method) == nullptr) {
        return absl::InternalError(
            absl::StrCat("retry policy: ", name, " has no method ", method));
      }
    }
  }
  return absl::OkStatus();
}

std::set<std::string> RetriedMethods(const std::string& service) {
  static const absl::Status kChecked = CheckRetryPolicy();
  if (!kChecked.ok()) {
    std::fprintf(stderr, "kip sdk: %s\n",
                 std::string(kChecked.message()).c_str());
    std::abort();
  }
  std::set<std::string> retried;
  auto it = RetryPolicyTable().find(service);
  if (it == RetryPolicyTable().end()) return retried;
  for (const auto& [method, on] : it->second) {
    if (on) retried.insert(method);
  }
  return retried;
}

std::map<std::string, std::set<std::string>> RetriedMethodsOfAllServices() {
  std::map<std::string, std::set<std::string>> all;
  for (const auto& [service, methods] : RetryPolicyTable()) {
    all[service] = RetriedMethods(service);
  }
  return all;
}

absl::Status CheckMethodsExist(const std::string& name,
                               const std::set<std::string>& methods) {
  const google::protobuf::ServiceDescriptor* service = Service(name);
  if (service == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("no service ", name));
  }
  for (const std::string& method : methods) {
    if (service->FindMethodByName(method) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("retried_methods: ", name, " has no method ", method));
    }
  }
  return absl::OkStatus();
}

}  // namespace kip
