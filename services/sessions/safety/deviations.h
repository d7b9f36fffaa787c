// Protocol deviations found from the log, not typed (issue #16): each rule
// of the rule table (deviation_rules.textproto, kept as data) run over a
// study's logged sessions against the dosing library's protocols. No gRPC:
// protocols come through ProtocolSource, owned here.
#ifndef KIP_SERVICES_SESSIONS_SAFETY_DEVIATIONS_H_
#define KIP_SERVICES_SESSIONS_SAFETY_DEVIATIONS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "services/sessions/safety/safety_reports.h"

namespace kip::safety {

// Where the sessions service reads a protocol (the dosing service, through
// the SDK, in production; a map in tests).
class ProtocolSource {
 public:
  virtual ~ProtocolSource() = default;
  virtual absl::StatusOr<kip::dosing::v1::Protocol> Protocol(
      const std::string& protocol_id) = 0;
};

// The rule table shipped with the server, parsed and checked (every rule's
// code known, thresholds positive).
absl::StatusOr<v1::DeviationRules> ParseDeviationRules(const std::string& text);
const v1::DeviationRules& DeviationRuleTable();

// Every deviation of `sessions` (one study's), in time order. `protocols`
// holds each protocol the sessions name; `now` closes follow-up windows.
std::vector<v1::Deviation> FindDeviations(
    const std::vector<LoggedSession>& sessions,
    const std::map<std::string, kip::dosing::v1::Protocol>& protocols,
    const v1::DeviationRules& rules, absl::Time now);

// The protocols `sessions` name, from `source`; its first failure.
absl::StatusOr<std::map<std::string, kip::dosing::v1::Protocol>> ProtocolsOf(
    const std::vector<LoggedSession>& sessions, ProtocolSource& source);

}  // namespace kip::safety

#endif  // KIP_SERVICES_SESSIONS_SAFETY_DEVIATIONS_H_
