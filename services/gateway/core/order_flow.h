// Verified pump orders (IHE PCD-03, "point-of-care infusion verification"):
// a clinician's programme goes to the pump only if dosing's ValidateProgram
// approves it, checked with the clinician's own token against the session's
// running dose; it goes as RGV^O15 to the pump's server, and the order with
// the server's answers (ACK^O15 commit, RRG^O16 application) is logged in
// the session. A refused programme is never sent. Ports, no I/O of its own.
#ifndef KIP_SERVICES_GATEWAY_CORE_ORDER_FLOW_H_
#define KIP_SERVICES_GATEWAY_CORE_ORDER_FLOW_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "services/gateway/core/ports.h"

namespace kip::gateway {

class ProgramChecker {
 public:
  virtual ~ProgramChecker() = default;
  // dosing's ValidateProgram, as the caller (their token).
  virtual absl::StatusOr<kip::dosing::v1::ValidateProgramResponse> Validate(
      const kip::dosing::v1::ValidateProgramRequest& request,
      const std::string& caller_token) = 0;
};

struct PumpServerAnswer {
  std::string commit_ack;       // CA, CE, CR; empty: none came
  std::string application_ack;  // AA, AE, AR; empty: none came
  std::string error;            // the server's words, when it refused
};

class PumpServer {
 public:
  virtual ~PumpServer() = default;
  // Sends `order` (ER7) and waits for its answers. UNAVAILABLE when the
  // server cannot be reached; an answer with empty codes when it was sent
  // but not answered in time.
  virtual absl::StatusOr<PumpServerAnswer> Send(const std::string& order) = 0;
};

class SessionHeaders {
 public:
  virtual ~SessionHeaders() = default;
  virtual absl::StatusOr<kip::sessions::v1::InfusionSession> Header(
      const std::string& session_id) = 0;
};

struct OrderPorts {
  ProgramChecker* dosing;
  PumpServer* pump_server;
  SessionHeaders* sessions;
  SessionWriter* writer;
  std::function<absl::Time()> clock;
  std::string drug_code;  // the pump's drug library id for ketamine
};

struct OrderResult {
  kip::dosing::v1::ValidateProgramResponse verdict;
  kip::sessions::v1::PumpOrder order;  // as logged
};

// FAILED_PRECONDITION (nothing sent) when dosing does not approve;
// INVALID_ARGUMENT for a session that is not a pump's running one.
absl::StatusOr<OrderResult> SendVerifiedOrder(
    const std::string& session_id,
    kip::dosing::v1::ValidateProgramRequest program,
    const std::string& caller_token, const OrderPorts& ports);

}  // namespace kip::gateway

#endif  // KIP_SERVICES_GATEWAY_CORE_ORDER_FLOW_H_
