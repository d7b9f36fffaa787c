#include "sdk/kipctl/gateway_commands.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "sdk/kipctl/args.h"
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

}  // namespace

int RunGatewayCommand(const std::string& command,
                      const std::vector<std::string>& argv,
                      const kip::ConnectionOptions& options) {
  auto args = Args::Parse(argv, {"device"}, {"json", "messages"});
  if (!args.ok()) return InvalidInput(std::string(args.status().message()));
  GatewayClient gateway(MakeGatewayConnection(options));
  if (command == "quarantine") return Quarantine(*args, gateway);
  return InvalidInput(
      absl::StrCat("gateway ", command, ": unknown command (quarantine)"));
}

}  // namespace kip::kipctl
