// HL7 messages of a scripted pump, for tests: PCD-10 events (or PCD-01
// periodic reports) of a large-volume pump in the TF 9 model, and PCD-04
// alarms. Written for KIP's tests, in the shape of the IHE examples.
#ifndef KIP_SERVICES_GATEWAY_TESTING_PUMP_MESSAGES_H_
#define KIP_SERVICES_GATEWAY_TESTING_PUMP_MESSAGES_H_

#include <string>

#include "absl/time/time.h"

namespace kip::gateway::testing {

inline constexpr char kTestPump[] = "0012210000000000";

struct PumpObservation {
  std::string event;   // "START", "STOP", "COMP", or "" (a PCD-01 report)
  std::string status;  // "infusing", "paused", "vtbi-complete"
  double rate_ml_per_h = -1;  // < 0: not reported
  double concentration_mg_per_ml = -1;
  std::string drug = "Ketamine";
};

// `time` is written as UTC ("+0000").
std::string PumpEventMessage(const std::string& control_id, absl::Time time,
                             const PumpObservation& o,
                             const std::string& patient_id = "P001",
                             const std::string& device_id = kTestPump);

// An occlusion alarm, `phase` "start" or "end".
std::string PumpAlarmMessage(const std::string& control_id, absl::Time time,
                             const std::string& phase,
                             const std::string& patient_id = "P001",
                             const std::string& device_id = kTestPump);

}  // namespace kip::gateway::testing

#endif  // KIP_SERVICES_GATEWAY_TESTING_PUMP_MESSAGES_H_
