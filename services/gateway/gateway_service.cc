#include "services/gateway/gateway_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/time_util.h"

namespace kip::gateway {

namespace gv1 = kip::gateway::v1;

const AccessPolicy& GatewayAccessPolicy() {
  static const AccessPolicy* const kPolicy =
      new AccessPolicy("kip.gateway.v1.GatewayService",
                       {{"ListQuarantine", {Role::kClinician, Role::kAdmin}},
                        {"SendOrder", {Role::kClinician}}});
  return *kPolicy;
}

grpc::ServerUnaryReactor* GatewayServiceImpl::ListQuarantine(
    grpc::CallbackServerContext* context,
    const gv1::ListQuarantineRequest* request,
    gv1::ListQuarantineResponse* response) {
  return guard_.Unary(context, "ListQuarantine", [=](const Principal&) {
    const int size = request->page_size() == 0 ? 100 : request->page_size();
    if (size < 1 || size > 1000) {
      return absl::InvalidArgumentError(absl::StrCat(
          "page_size: ", request->page_size(), " is outside 1..1000"));
    }
    int64_t after = 0;
    if (!request->page_token().empty() &&
        (!absl::SimpleAtoi(request->page_token(), &after) || after < 0)) {
      return absl::InvalidArgumentError(
          "page_token: not a token this service gave");
    }
    absl::StatusOr<SqliteQuarantine::Page> page =
        quarantine_->List(after, size, request->device_id());
    if (!page.ok()) return page.status();
    for (const QuarantinedMessage& m : page->messages) {
      gv1::QuarantinedMessage* out = response->add_messages();
      out->set_id(m.id);
      *out->mutable_received_time() = ProtoFromTime(m.received);
      out->set_device_id(m.device_id);
      out->set_control_id(m.control_id);
      out->set_reason(m.reason);
      out->set_message(m.message);
    }
    if (static_cast<int>(page->messages.size()) == size) {
      response->set_next_page_token(absl::StrCat(page->next));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* GatewayServiceImpl::SendOrder(
    grpc::CallbackServerContext* context, const gv1::SendOrderRequest* request,
    gv1::SendOrderResponse* response) {
  return guard_.Unary(context, "SendOrder", [=](const Principal&) {
    if (orders_.dosing == nullptr || orders_.pump_server == nullptr) {
      return absl::UnavailableError(
          "no pump server or dosing service configured "
          "(--pump_server_address, --dosing_address)");
    }
    absl::StatusOr<OrderResult> sent =
        SendVerifiedOrder(request->session_id(), request->program(),
                          CallerBearerToken(context), orders_);
    if (!sent.ok()) return sent.status();
    *response->mutable_verdict() = sent->verdict;
    *response->mutable_order() = sent->order;
    return absl::OkStatus();
  });
}

}  // namespace kip::gateway
