// Which roles may call which RPC. Each service declares its table next to its
// adapter; a method missing from the table is refused (deny by default) and a
// server refuses to start if its table does not cover every RPC of its service.
#ifndef KIP_SERVICES_COMMON_ACCESS_POLICY_H_
#define KIP_SERVICES_COMMON_ACCESS_POLICY_H_

#include <initializer_list>
#include <set>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/common/principal.h"

namespace kip {

class AccessPolicy {
 public:
  // `service` is the full proto service name, e.g.
  // "kip.dosing.v1.DosingService"; rules map a method name ("PlanCourse") to
  // the roles allowed to call it.
  AccessPolicy(
      std::string service,
      std::initializer_list<std::pair<const char*, std::set<Role>>> rules);

  const std::string& service() const { return service_; }

  // OK, or PERMISSION_DENIED naming the role and the method.
  // `full_method` is the gRPC path, "/kip.dosing.v1.DosingService/PlanCourse".
  absl::Status Authorize(const Principal& principal,
                         absl::string_view full_method) const;

  bool Allows(Role role, absl::string_view method) const;

  // FAILED_PRECONDITION naming every RPC of the proto service without a rule,
  // and every rule naming no RPC (a typo would otherwise deny silently).
  absl::Status CheckCoversService() const;

 private:
  std::string service_;
  absl::flat_hash_map<std::string, std::set<Role>> roles_by_method_;
};

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_ACCESS_POLICY_H_
