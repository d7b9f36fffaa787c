#include "sdk/kipctl/gateway_commands.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "sdk/kipctl/args.h"
#include "sdk/kipctl/dosing_args.h"
#include "sdk/kipctl/exit_status.h"
#include "sdk/kipctl/proto_json.h"

namespace kip::kipctl {
namespace {

namespace gv1 = kip::gateway::v1;

int Quarantine(const Args& args, GatewayClient& gateway) {
  gv1::ListQuarantineRequest request;
  request.set_device_id(args.Get("device"));
  request.set_page_size(1000);
  gv1::ListQuarantineResponse all;
  while (true) {
    auto page = gateway.ListQuarantine(request);
    if (!page.ok()) return CallFailed(page.status());
    for (auto& m : *page->mutable_messages()) *all.add_messages() = m;
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  if (args.Has("json")) return PrintProtoJson(all);
  std::printf("%d message(s) kept for review\n", all.messages_size());
  for (const gv1::QuarantinedMessage& m : all.messages()) {
    std::printf(
        "%s  pump %s  control id %s  %s\n    %s\n",
        google::protobuf::util::TimeUtil::ToString(m.received_time()).c_str(),
        m.device_id().empty() ? "?" : m.device_id().c_str(),
        m.control_id().empty() ? "?" : m.control_id().c_str(), m.id().c_str(),
        m.reason().c_str());
    if (args.Has("messages")) {
      std::string text = m.message();
      std::replace(text.begin(), text.end(), '\r', '\n');
      std::printf("%s\n", text.c_str());
    }
  }
  return 0;
}

// Exit 0 when the pump server accepted the order, 1 when it refused it or
// did not answer; a programme dosing refuses is FAILED_PRECONDITION (exit 2)
// and nothing was sent.
int Order(const Args& args, GatewayClient& gateway) {
  gv1::SendOrderRequest request;
  auto session = args.Required("session");
  if (!session.ok())
    return InvalidInput(std::string(session.status().message()));
  request.set_session_id(*session);
  auto program = ProgramFromArgs(args);
  if (!program.ok())
    return InvalidInput(std::string(program.status().message()));
  *request.mutable_program() = *std::move(program);
  auto sent = gateway.SendOrder(request);
  if (!sent.ok()) return CallFailed(sent.status());
  const kip::sessions::v1::PumpOrder& order = sent->order();
  const bool accepted = order.commit_ack() == "CA" &&
                        order.application_ack() != "AE" &&
                        order.application_ack() != "AR";
  if (args.Has("json")) {
    absl::StatusOr<std::string> order_json = ProtoJson(order);
    if (!order_json.ok()) return CallFailed(order_json.status());
    nlohmann::json out = {{"verdict", VerdictJson(sent->verdict())},
                          {"order", nlohmann::json::parse(*order_json)},
                          {"accepted", accepted}};
    std::printf("%s\n", out.dump(2).c_str());
    return accepted ? 0 : 1;
  }
  PrintVerdict(sent->verdict());
  std::printf(
      "order %s to pump %s: %.2f mL/h (%.2f mg/h at %g mg/mL), %g mL\n"
      "pump server: %s%s%s%s\n",
      order.order_id().c_str(), order.device_id().c_str(),
      order.rate_ml_per_h(), order.rate_mg_per_h(),
      order.concentration_mg_per_ml(), order.volume_ml(),
      order.commit_ack().empty() ? "no answer" : order.commit_ack().c_str(),
      order.application_ack().empty() ? "" : ", ",
      order.application_ack().c_str(),
      order.pump_server_error().empty()
          ? ""
          : absl::StrCat(" (", order.pump_server_error(), ")").c_str());
  return accepted ? 0 : 1;
}

}  // namespace

int RunGatewayCommand(const std::string& command,
                      const std::vector<std::string>& argv,
                      const kip::ConnectionOptions& options) {
  std::set<std::string> valued = {"device"};
  if (command == "order") {
    valued = ProgramOptions();
    valued.insert("session");
  }
  auto args = Args::Parse(argv, valued, {"json", "messages"});
  if (!args.ok()) return InvalidInput(std::string(args.status().message()));
  GatewayClient gateway(MakeGatewayConnection(options));
  if (command == "quarantine") return Quarantine(*args, gateway);
  if (command == "order") return Order(*args, gateway);
  return InvalidInput(absl::StrCat("gateway ", command,
                                   ": unknown command (quarantine, order)"));
}

}  // namespace kip::kipctl
