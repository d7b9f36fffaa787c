// The verified pump order KIP sends (IHE PCD-03 "Communicate Infusion Order",
// RGV^O15) and the pump server's answers to it (ACK^O15 commit, RRG^O16
// application). The order carries only what dosing approved: a rate in mL/h,
// the volume to be infused, the drug's strength (mg in mL, so the
// concentration) and the patient's weight, in the units of the IHE PIV
// examples.
#ifndef KIP_SERVICES_GATEWAY_PCD_ORDER_MESSAGE_H_
#define KIP_SERVICES_GATEWAY_PCD_ORDER_MESSAGE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kip::pcd {

struct PumpOrderSpec {
  std::string control_id;  // MSH-10
  std::string order_id;    // ORC-2, KIP's placer order number
  absl::Time time;
  std::string patient_id;  // KIP's pseudonym (PID-3, type PI)
  std::string device_id;   // the pump's EUI-64
  std::string drug_code;   // the pump's drug library id for ketamine
  double rate_ml_per_h = 0;
  double volume_ml = 0;  // to be infused
  double concentration_mg_per_ml = 0;
  std::optional<double> weight_kg;
};

std::string BuildRgvO15(const PumpOrderSpec& order);

// What the pump server said: MSA-1 and, when it refused, its ERR text.
struct OrderAnswer {
  std::string message_type;         // "ACK^O15" or "RRG^O16"
  std::string code;                 // CA/CE/CR or AA/AE/AR
  std::string answered_control_id;  // MSA-2
  std::string error;
};

// INVALID_ARGUMENT when `message` is not such an answer.
absl::StatusOr<OrderAnswer> ReadOrderAnswer(absl::string_view message);

}  // namespace kip::pcd

#endif  // KIP_SERVICES_GATEWAY_PCD_ORDER_MESSAGE_H_
