#include "services/dosing/sessions_dose_client.h"

#include "base/time_util.h"

namespace kip::dosing {
namespace {

class CallerDoseSource final : public CumulativeDoseSource {
 public:
  CallerDoseSource(SessionLogConnection* connection, absl::Duration deadline,
                   std::string token)
      : connection_(connection) {
    call_.timeout = deadline;
    call_.bearer_token = std::move(token);
  }

  absl::StatusOr<v1::CumulativeDose> AlreadyReceived(
      const std::string& session_id, const std::string& course_id,
      absl::Time as_of) override {
    kip::sessions::v1::GetCumulativeDoseRequest request;
    request.set_session_id(session_id);
    request.set_course_id(course_id);
    *request.mutable_as_of() = ProtoFromTime(as_of);
    absl::StatusOr<kip::sessions::v1::GetCumulativeDoseResponse> response =
        connection_->GetCumulativeDose(request, call_);
    if (!response.ok()) return response.status();
    v1::CumulativeDose dose;
    dose.set_session_mg(response->session_mg());
    dose.set_last_24h_mg(response->last_24h_mg());
    dose.set_course_mg(response->course_mg());
    return dose;
  }

 private:
  SessionLogConnection* connection_;
  CallOptions call_;
};

}  // namespace

SessionsDoseClient::SessionsDoseClient(
    std::shared_ptr<SessionLogConnection> connection, absl::Duration deadline)
    : connection_(std::move(connection)), deadline_(deadline) {}

std::unique_ptr<CumulativeDoseSource> SessionsDoseClient::ForCaller(
    std::string bearer_token) const {
  return std::make_unique<CallerDoseSource>(connection_.get(), deadline_,
                                            std::move(bearer_token));
}

}  // namespace kip::dosing
