// The gateway's side of PCD-03 toward a pump server: one MLLP connection per
// order to --pump_server_address; sends the RGV^O15 and waits for its
// ACK^O15 (commit) and RRG^O16 (application) answers.
#ifndef KIP_SERVICES_GATEWAY_PUMP_SERVER_CLIENT_H_
#define KIP_SERVICES_GATEWAY_PUMP_SERVER_CLIENT_H_

#include <string>

#include "absl/time/time.h"
#include "services/gateway/core/order_flow.h"

namespace kip::gateway {

class MllpPumpServer final : public PumpServer {
 public:
  // `address` is host:port; `answer_timeout` bounds the wait for each answer.
  MllpPumpServer(std::string address, absl::Duration answer_timeout)
      : address_(std::move(address)), answer_timeout_(answer_timeout) {}

  absl::StatusOr<PumpServerAnswer> Send(const std::string& order) override;

 private:
  std::string address_;
  absl::Duration answer_timeout_;
};

}  // namespace kip::gateway

#endif  // KIP_SERVICES_GATEWAY_PUMP_SERVER_CLIENT_H_
