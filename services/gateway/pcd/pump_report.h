// What one pump message says, read from its HL7: the pump (its EUI-64), the
// patient, the time, the infusion event (PCD-10) or the periodic state
// (PCD-01), the delivery channel's rate, volume, drug and concentration, or
// an alarm (PCD-04). Pure reading: deciding what it means for a session is
// the gateway core's. A message KIP cannot read as a pump report gets an
// error saying where, ready for the ACK's ERR segment.
#ifndef KIP_SERVICES_GATEWAY_PCD_PUMP_REPORT_H_
#define KIP_SERVICES_GATEWAY_PCD_PUMP_REPORT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/gateway/hl7/ack.h"
#include "services/gateway/hl7/er7.h"

namespace kip::pcd {

enum class PumpEvent {
  kNone,  // a periodic report (PCD-01) or an event KIP does not map
  kDeliveryStart,
  kDeliveryStop,
  kDeliveryComplete,
};

enum class PumpStatus { kUnknown, kInfusing, kPaused, kStopped, kComplete };

struct PumpAlarm {
  std::string code;   // MDC code of the alarm, e.g. "196940"
  std::string name;   // e.g. "MDC_EVT_FLUID_LINE_OCCL"
  std::string text;   // the pump's own words, when given
  std::string phase;  // "start", "end", ... as sent
  std::string state;  // "active", "inactive", ...
};

struct PumpReport {
  std::string control_id;    // MSH-10
  std::string message_type;  // "ORU^R42", "ORU^R01", "ORU^R40"
  std::string device_id;     // the pump's EUI-64
  // Every identifier of PID-3 (a pump server may send the hospital's record
  // number and KIP's pseudonym side by side).
  std::vector<std::string> patient_ids;
  absl::Time time;  // of the event, else of the observation/message
  PumpEvent event = PumpEvent::kNone;
  PumpStatus status = PumpStatus::kUnknown;
  std::optional<double> rate_ml_per_h;  // what the delivery channel runs at
  std::optional<double> volume_delivered_ml;
  std::optional<double> concentration_mg_per_ml;
  std::string concentration_unit;  // as sent, when it is not mg/mL
  std::string drug_name;
  std::optional<PumpAlarm> alarm;
};

// HL7 "DTM": YYYYMMDDHHMM[SS[.S...]]+/-ZZZZ; spaces (a defect of the IHE
// examples) are ignored. The offset is required: without it the time is
// ambiguous, and a dose time must not be guessed.
absl::StatusOr<absl::Time> ParseHl7Time(absl::string_view text);

// INVALID_ARGUMENT with `error` filled (segment, field, HL7 code) when the
// message is not a pump report KIP can read.
absl::StatusOr<PumpReport> ReadPumpReport(const hl7::Message& message,
                                          hl7::AckError* error);

}  // namespace kip::pcd

#endif  // KIP_SERVICES_GATEWAY_PCD_PUMP_REPORT_H_
