// Fuzz target: HL7 v2 ER7 messages as a pump server sends them to the
// gateway. Any bytes must parse or be refused with INVALID_ARGUMENT, never
// crash; what parses must read back at any position, and any text escaped
// with the message's delimiters must unescape to itself.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/gateway/hl7/er7.h"
#include "services/gateway/pcd/pump_report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<kip::hl7::Message> message = kip::hl7::Parse(bytes);
  if (!message.ok()) {
    if (message.status().code() != absl::StatusCode::kInvalidArgument) {
      std::abort();
    }
    return 0;
  }
  for (const kip::hl7::Segment& segment : message->segments) {
    for (size_t f = 0; f <= segment.fields.size(); ++f) {
      (void)segment.Get(f, 1, 1, 1);
      (void)segment.Get(f, 3, 2, 2);
    }
  }
  kip::hl7::AckError error;
  (void)kip::pcd::ReadPumpReport(*message, &error);
  const std::string escaped = kip::hl7::Escape(bytes, message->delimiters);
  if (kip::hl7::Unescape(escaped, message->delimiters) != bytes) std::abort();
  return 0;
}
