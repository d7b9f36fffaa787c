#include "services/common/access_policy.h"

#include <google/protobuf/descriptor.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace kip {

AccessPolicy::AccessPolicy(
    std::string service,
    std::initializer_list<std::pair<const char*, std::set<Role>>> rules)
    : service_(std::move(service)) {
  for (const auto& [method, roles] : rules) roles_by_method_[method] = roles;
}

bool AccessPolicy::Allows(Role role, absl::string_view method) const {
  auto it = roles_by_method_.find(method);
  return it != roles_by_method_.end() && it->second.count(role) > 0;
}

absl::Status AccessPolicy::Authorize(const Principal& principal,
                                     absl::string_view full_method) const {
  const std::string prefix = absl::StrCat("/", service_, "/");
  absl::string_view method = full_method;
  if (!absl::ConsumePrefix(&method, prefix) ||
      !Allows(principal.role, method)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role '", RoleName(principal.role), "' may not call ", full_method));
  }
  return absl::OkStatus();
}

absl::Status AccessPolicy::CheckCoversService() const {
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          service_);
  if (descriptor == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("access policy names unknown service ", service_));
  }
  std::vector<std::string> uncovered;
  for (int i = 0; i < descriptor->method_count(); ++i) {
    if (!roles_by_method_.contains(descriptor->method(i)->name())) {
      uncovered.push_back(descriptor->method(i)->name());
    }
  }
  std::vector<std::string> unknown;
  for (const auto& [method, roles] : roles_by_method_) {
    if (descriptor->FindMethodByName(method) == nullptr)
      unknown.push_back(method);
  }
  if (uncovered.empty() && unknown.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "access policy of ", service_, ": no roles for [",
      absl::StrJoin(uncovered, ", "), "]; rules for unknown methods [",
      absl::StrJoin(unknown, ", "), "]"));
}

}  // namespace kip
