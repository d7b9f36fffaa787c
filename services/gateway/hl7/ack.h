// HL7 acknowledgements: the ACK KIP sends for every message a pump server
// sends it - AA (accepted), AE (error: kept for review) or AR (rejected) -
// with an ERR segment naming the segment and field at fault, as HL7 v2.5+
// lays ERR out (ERR-2 error location, ERR-3 HL7 error code from table 0357,
// ERR-4 severity, ERR-8 user message).
#ifndef KIP_SERVICES_GATEWAY_HL7_ACK_H_
#define KIP_SERVICES_GATEWAY_HL7_ACK_H_

#include <string>

#include "absl/time/time.h"
#include "services/gateway/hl7/er7.h"

namespace kip::hl7 {

enum class AckCode { kAccept, kError, kReject };  // AA, AE, AR

// Where and why: empty `segment` when the whole message is at fault.
struct AckError {
  std::string segment;       // e.g. "OBX"
  int segment_sequence = 1;  // which of the message's segments with that id
  int field = 0;             // 0: the segment as a whole
  // HL7 table 0357: 100 segment sequence error, 101 required field missing,
  // 102 data type error, 103 table value not found, 200 unsupported message
  // type, 204 unknown key identifier, 207 application internal error.
  int hl7_code = 207;
  std::string text;
};

// The acknowledgement of `received` (which may be a message that did not
// parse: its control id and version are then read as far as they can be).
// `sender` names KIP in MSH-3; `control_id` is the ACK's own MSH-10.
std::string BuildAck(absl::string_view received, AckCode code,
                     const AckError* error, absl::Time now,
                     const std::string& sender, const std::string& control_id);

}  // namespace kip::hl7

#endif  // KIP_SERVICES_GATEWAY_HL7_ACK_H_
