// The gateway core's ports: where a pump's running session is found, where
// its events are written and where a message that cannot be applied is kept.
// The running system reads and writes sessions through the SDK and keeps the
// quarantine in its own store; tests give fakes, so the mapping logic needs
// no server.
#ifndef KIP_SERVICES_GATEWAY_CORE_PORTS_H_
#define KIP_SERVICES_GATEWAY_CORE_PORTS_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kip/sessions/v1/sessions.pb.h"

namespace kip::gateway {

// What the gateway needs to know of the session a pump was running.
struct RunningSession {
  std::string session_id;
  std::string patient_id;
  std::string device_id;
  std::set<std::string> event_ids;  // to tell a resent message
  bool ended = false;               // its infusion has stopped
  bool infusion_started = false;
  bool paused = false;
  std::optional<double> rate_ml_per_h;  // the rate running now
  // What the session was programmed with: the concentration of its last
  // infusion_started, else the session's own (0 or absent: none).
  std::optional<double> concentration_mg_per_ml;
  // Where it runs: the session's, else its last infusion_started's.
  kip::common::v1::CareArea care_area = kip::common::v1::CARE_AREA_UNSPECIFIED;
};

// The state of a session from its events (corrections applied).
RunningSession RunningSessionFrom(
    const kip::sessions::v1::GetSessionResponse& session);

// `s` moved on by one more event of `session` (not a correction: a
// correction can change what came before, so the state is rebuilt whole).
// The caller records the event's id and the header's end.
void ApplyEvent(const kip::sessions::v1::InfusionSession& session,
                const kip::sessions::v1::Event& e, RunningSession& s);

class SessionDirectory {
 public:
  virtual ~SessionDirectory() = default;
  // The session the pump was running at `at`: its latest session started by
  // then (give or take the device clock's lead), ended or not; nullopt when
  // it has none. An ended one still tells a resent message.
  virtual absl::StatusOr<std::optional<RunningSession>> SessionOf(
      const std::string& device_id, absl::Time at) = 0;
};

class SessionWriter {
 public:
  virtual ~SessionWriter() = default;
  // Appends all of `events` or none (sessions' AppendEvents is atomic and
  // idempotent by event id).
  virtual absl::Status Append(
      const std::vector<kip::sessions::v1::Event>& events) = 0;
};

struct QuarantinedMessage {
  std::string id;  // the gateway's, unique per kept message
  absl::Time received;
  std::string device_id;   // when it could be read
  std::string control_id;  // MSH-10, when it could be read
  std::string reason;
  std::string message;  // the bytes as received
};

class Quarantine {
 public:
  virtual ~Quarantine() = default;
  virtual absl::Status Keep(const QuarantinedMessage& message) = 0;
};

}  // namespace kip::gateway

#endif  // KIP_SERVICES_GATEWAY_CORE_PORTS_H_
