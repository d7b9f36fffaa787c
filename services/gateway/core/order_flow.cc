#include "services/gateway/core/order_flow.h"

#include "absl/strings/str_cat.h"
#include "base/time_util.h"
#include "base/uuid.h"
#include "services/gateway/pcd/order_message.h"

namespace kip::gateway {

namespace dv1 = kip::dosing::v1;
namespace sv1 = kip::sessions::v1;

namespace {

std::string Refusal(const dv1::ValidateProgramResponse& verdict) {
  std::string why = dv1::Verdict_Name(verdict.verdict());
  for (const dv1::Violation& v : verdict.violations()) {
    absl::StrAppend(&why, "; ", v.limit(), " ", v.value(), " ", v.unit(),
                    " (bound ", v.bound(), ")");
  }
  return why;
}

}  // namespace

absl::StatusOr<OrderResult> SendVerifiedOrder(
    const std::string& session_id, dv1::ValidateProgramRequest program,
    const std::string& caller_token, const OrderPorts& ports) {
  if (session_id.empty()) {
    return absl::InvalidArgumentError("session_id: is required");
  }
  absl::StatusOr<sv1::InfusionSession> session =
      ports.sessions->Header(session_id);
  if (!session.ok()) return session.status();
  if (session->has_end_time()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "session_id: session ", session_id, " has ended; nothing was sent"));
  }
  if (session->device_id().empty()) {
    return absl::InvalidArgumentError(
        "session_id: the session names no pump (device_id)");
  }
  program.set_session_id(session_id);
  absl::StatusOr<dv1::ValidateProgramResponse> verdict =
      ports.dosing->Validate(program, caller_token);
  if (!verdict.ok()) return verdict.status();
  if (!verdict->approved()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the programme is not approved (", Refusal(*verdict),
                     "); nothing was sent to the pump"));
  }
  pcd::PumpOrderSpec spec;
  spec.control_id = RandomUuid();
  spec.order_id = absl::StrCat("KIP-", spec.control_id.substr(0, 8));
  spec.time = ports.clock();
  spec.patient_id = session->patient_id();
  spec.device_id = session->device_id();
  spec.drug_code = ports.drug_code;
  spec.rate_ml_per_h = verdict->rate_ml_per_h();
  spec.volume_ml =
      verdict->rate_ml_per_h() * program.program().duration_min() / 60.0;
  spec.concentration_mg_per_ml = program.concentration_mg_per_ml();
  if (program.patient().weight_kg() > 0) {
    spec.weight_kg = program.patient().weight_kg();
  }
  OrderResult result;
  result.verdict = *verdict;
  sv1::PumpOrder& order = result.order;
  order.set_device_id(spec.device_id);
  order.set_order_id(spec.order_id);
  order.set_message_control_id(spec.control_id);
  order.set_rate_ml_per_h(spec.rate_ml_per_h);
  order.set_rate_mg_per_h(program.program().rate_mg_per_h());
  order.set_volume_ml(spec.volume_ml);
  order.set_concentration_mg_per_ml(spec.concentration_mg_per_ml);
  absl::StatusOr<PumpServerAnswer> answer =
      ports.pump_server->Send(pcd::BuildRgvO15(spec));
  if (!answer.ok()) return answer.status();  // never reached the server
  order.set_commit_ack(answer->commit_ack);
  order.set_application_ack(answer->application_ack);
  order.set_pump_server_error(answer->error);
  sv1::Event event;
  event.set_event_id(RandomUuid());
  event.set_session_id(session_id);
  *event.mutable_device_time() = ProtoFromTime(spec.time);
  *event.mutable_pump_order() = order;
  if (absl::Status logged = ports.writer->Append({event}); !logged.ok()) {
    return absl::Status(
        logged.code(),
        absl::StrCat("order ", spec.order_id,
                     " was sent but could not be logged in the session: ",
                     logged.message()));
  }
  return result;
}

}  // namespace kip::gateway
