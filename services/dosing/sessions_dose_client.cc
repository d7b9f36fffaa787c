#include "services/dosing/sessions_dose_client.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/status_mapping.h"

namespace kip::dosing {
namespace {

class CallerDoseSource final : public CumulativeDoseSource {
 public:
  CallerDoseSource(kip::sessions::v1::SessionLogService::Stub* stub,
                   absl::Duration deadline, std::string token)
      : stub_(stub), deadline_(deadline), token_(std::move(token)) {}

  absl::StatusOr<v1::CumulativeDose> AlreadyReceived(
      const std::string& session_id, const std::string& course_id,
      absl::Time as_of) override {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
    if (!token_.empty())
      context.AddMetadata("authorization", "Bearer " + token_);
    kip::sessions::v1::GetCumulativeDoseRequest request;
    request.set_session_id(session_id);
    request.set_course_id(course_id);
    *request.mutable_as_of() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
            absl::ToUnixMicros(as_of));
    kip::sessions::v1::GetCumulativeDoseResponse response;
    const grpc::Status status =
        stub_->GetCumulativeDose(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    v1::CumulativeDose dose;
    dose.set_session_mg(response.session_mg());
    dose.set_last_24h_mg(response.last_24h_mg());
    dose.set_course_mg(response.course_mg());
    return dose;
  }

 private:
  kip::sessions::v1::SessionLogService::Stub* stub_;
  absl::Duration deadline_;
  std::string token_;
};

}  // namespace

SessionsDoseClient::SessionsDoseClient(
    std::shared_ptr<grpc::ChannelInterface> channel, absl::Duration deadline)
    : stub_(kip::sessions::v1::SessionLogService::NewStub(channel)),
      deadline_(deadline) {}

std::unique_ptr<CumulativeDoseSource> SessionsDoseClient::ForCaller(
    std::string bearer_token) const {
  return std::make_unique<CallerDoseSource>(stub_.get(), deadline_,
                                            std::move(bearer_token));
}

}  // namespace kip::dosing
