// Validation of what the pump gateway writes into sessions (issue #18): pump
// alarms, drug/concentration mismatches and the orders it sent. Errors are
// INVALID_ARGUMENT naming the field under `at` and the bound it broke.
#ifndef KIP_SERVICES_SESSIONS_LOG_DEVICE_PAYLOADS_H_
#define KIP_SERVICES_SESSIONS_LOG_DEVICE_PAYLOADS_H_

#include <string>

#include "absl/status/status.h"
#include "kip/sessions/v1/events.pb.h"

namespace kip::sessions {

absl::Status ValidatePumpAlarm(const kip::sessions::v1::PumpAlarm& p,
                               const std::string& at);
absl::Status ValidatePumpOrder(const kip::sessions::v1::PumpOrder& p,
                               const std::string& at);
absl::Status ValidatePumpMismatch(const kip::sessions::v1::PumpMismatch& p,
                                  const std::string& at);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_LOG_DEVICE_PAYLOADS_H_
