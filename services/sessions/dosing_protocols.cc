#include "services/sessions/dosing_protocols.h"

#include "absl/strings/str_cat.h"

namespace kip::sessions {

namespace {

class CallerProtocols final : public safety::ProtocolSource {
 public:
  CallerProtocols(std::shared_ptr<DosingConnection> connection,
                  absl::Duration deadline, std::string token)
      : connection_(std::move(connection)) {
    call_.timeout = deadline;
    call_.bearer_token = std::move(token);
  }

  absl::StatusOr<kip::dosing::v1::Protocol> Protocol(
      const std::string& protocol_id) override {
    kip::dosing::v1::GetProtocolRequest request;
    request.set_protocol_id(protocol_id);
    absl::StatusOr<kip::dosing::v1::GetProtocolResponse> got =
        connection_->GetProtocol(request, call_);
    if (!got.ok()) {
      return absl::Status(
          got.status().code(),
          absl::StrCat("dosing service, protocol '", protocol_id,
                       "': ", got.status().message()));
    }
    return got->protocol();
  }

 private:
  std::shared_ptr<DosingConnection> connection_;
  CallOptions call_;
};

}  // namespace

std::unique_ptr<safety::ProtocolSource> DosingProtocols::ForCaller(
    std::string bearer_token) const {
  return std::make_unique<CallerProtocols>(connection_, deadline_,
                                           std::move(bearer_token));
}

}  // namespace kip::sessions
