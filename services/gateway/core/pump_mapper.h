// How a pump report becomes events of its running session: delivery start,
// stop, completion, a new rate in a periodic report, and alarms. The rate in
// mL/h is converted to mg/h with the concentration the session was
// programmed with and nothing else: a report of another drug or
// concentration, or a session with no concentration, is a mismatch - an
// alert in the session and the message kept for review, never a guess.
// Event ids are name-based on the pump, the message control id and the
// observation (event, time), so a resent message maps to the same ids.
#ifndef KIP_SERVICES_GATEWAY_CORE_PUMP_MAPPER_H_
#define KIP_SERVICES_GATEWAY_CORE_PUMP_MAPPER_H_

#include <optional>
#include <string>
#include <vector>

#include "kip/sessions/v1/events.pb.h"
#include "services/gateway/core/ports.h"
#include "services/gateway/pcd/pump_report.h"

namespace kip::gateway {

struct Mapped {
  std::vector<kip::sessions::v1::Event> events;  // may be empty: nothing new
  // Set when the report was not applied: the alert to write (its event is
  // in `events`) and the reason to keep the message under.
  std::optional<std::string> not_applied;
};

// The id of the `ordinal`-th event a report maps to.
std::string GatewayEventId(const pcd::PumpReport& report, int ordinal);

Mapped MapReport(const pcd::PumpReport& report, const RunningSession& session);

}  // namespace kip::gateway

#endif  // KIP_SERVICES_GATEWAY_CORE_PUMP_MAPPER_H_
