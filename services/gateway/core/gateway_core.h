// The gateway core: one HL7 message from a pump server in, its ACK out.
// Parse, read the pump report, find the pump's running session, check the
// patient, map to session events and append them; a resent message adds
// nothing. Anything that cannot be applied - unparseable, not a pump report,
// no running session, another patient, another drug or concentration, a
// refused append - is kept in the quarantine with its reason and answered
// AE or AR naming the place at fault: never dropped. No I/O of its own.
#ifndef KIP_SERVICES_GATEWAY_CORE_GATEWAY_CORE_H_
#define KIP_SERVICES_GATEWAY_CORE_GATEWAY_CORE_H_

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "services/gateway/core/ports.h"
#include "services/gateway/hl7/ack.h"

namespace kip::gateway {

// What became of one message (besides its ACK).
struct Outcome {
  hl7::AckCode code = hl7::AckCode::kAccept;
  int events_appended = 0;
  bool replay = false;       // a resent message: nothing new
  bool quarantined = false;  // kept for review
  std::string reason;        // why not applied
};

class GatewayCore {
 public:
  GatewayCore(SessionDirectory* directory, SessionWriter* writer,
              Quarantine* quarantine, std::function<absl::Time()> clock,
              std::string sender = "KIP_GATEWAY");

  // The ACK (ER7, unframed) for `message`; `outcome` (may be null) says what
  // happened.
  std::string Handle(absl::string_view message, Outcome* outcome = nullptr);

 private:
  std::string Answer(absl::string_view message, hl7::AckCode code,
                     const hl7::AckError* error, Outcome& outcome);
  // Keeps `message` with `reason`; the ACK is `code` with `error`.
  std::string KeepAndAnswer(absl::string_view message,
                            const std::string& device_id,
                            const std::string& control_id, hl7::AckCode code,
                            hl7::AckError error, Outcome& outcome);

  SessionDirectory* directory_;
  SessionWriter* writer_;
  Quarantine* quarantine_;
  std::function<absl::Time()> clock_;
  std::string sender_;
};

}  // namespace kip::gateway

#endif  // KIP_SERVICES_GATEWAY_CORE_GATEWAY_CORE_H_
