#include "services/sessions/log/device_payloads.h"

#include "base/status_macros.h"
#include "services/sessions/log/field_checks.h"

namespace kip::sessions {
namespace {

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
