#include "services/sessions/log/device_payloads.h"

#include "base/status_macros.h"
#include "services/sessions/log/field_checks.h"

namespace kip::sessions {
namespace {

using field_checks::InRange;
using field_checks::Invalid;
using field_checks::Text;

constexpr size_t kMaxCodeLength = 100;

}  // namespace

absl::Status ValidatePumpAlarm(const v1::PumpAlarm& p, const std::string& at) {
  KIP_RETURN_IF_ERROR(Text(at + ".device_id", p.device_id(), true, 64));
  if (p.code().empty() && p.name().empty()) {
    return Invalid(at + ".code", "code or name is required");
  }
  KIP_RETURN_IF_ERROR(Text(at + ".code", p.code(), false, kMaxCodeLength));
  KIP_RETURN_IF_ERROR(Text(at + ".name", p.name(), false, kMaxCodeLength));
  KIP_RETURN_IF_ERROR(Text(at + ".text", p.text(), false));
  KIP_RETURN_IF_ERROR(Text(at + ".phase", p.phase(), false, kMaxCodeLength));
  KIP_RETURN_IF_ERROR(Text(at + ".state", p.state(), false, kMaxCodeLength));
  return Text(at + ".message_control_id", p.message_control_id(), false,
              kMaxCodeLength);
}

absl::Status ValidatePumpOrder(const v1::PumpOrder& p, const std::string& at) {
  KIP_RETURN_IF_ERROR(Text(at + ".device_id", p.device_id(), true, 64));
  KIP_RETURN_IF_ERROR(Text(at + ".order_id", p.order_id(), true, 64));
  KIP_RETURN_IF_ERROR(Text(at + ".message_control_id", p.message_control_id(),
                           false, kMaxCodeLength));
  // The programme dosing approved: within a logged rate's plausibility.
  KIP_RETURN_IF_ERROR(
      InRange(at + ".rate_ml_per_h", p.rate_ml_per_h(), 0, 1000, "mL/h"));
  KIP_RETURN_IF_ERROR(
      InRange(at + ".rate_mg_per_h", p.rate_mg_per_h(), 0, 2000, "mg/h"));
  KIP_RETURN_IF_ERROR(
      InRange(at + ".volume_ml", p.volume_ml(), 0, 10000, "mL"));
  KIP_RETURN_IF_ERROR(InRange(at + ".concentration_mg_per_ml",
                              p.concentration_mg_per_ml(), 0.01, 100, "mg/mL"));
  for (const auto& [field, value] :
       {std::pair{".commit_ack", p.commit_ack()},
        std::pair{".application_ack", p.application_ack()}}) {
    KIP_RETURN_IF_ERROR(Text(at + field, value, false, 2));
  }
  return Text(at + ".pump_server_error", p.pump_server_error(), false);
}

absl::Status ValidatePumpMismatch(const v1::PumpMismatch& p,
                                  const std::string& at) {
  KIP_RETURN_IF_ERROR(Text(at + ".device_id", p.device_id(), true, 64));
  KIP_RETURN_IF_ERROR(Text(at + ".field", p.field(), true, kMaxCodeLength));
  KIP_RETURN_IF_ERROR(Text(at + ".expected", p.expected(), false));
  KIP_RETURN_IF_ERROR(Text(at + ".reported", p.reported(), false));
  return Text(at + ".message_control_id", p.message_control_id(), false,
              kMaxCodeLength);
}

}  // namespace kip::sessions
