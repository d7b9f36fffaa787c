#include "services/dosing/sessions_dose_client.h"

#include "absl/strings/str_cat.h"
#include "base/time_util.h"
#include "base/uuid.h"

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

absl::Status SessionsDoseClient::RecordAlert(
    const std::string& bearer_token, const v1::ValidateProgramRequest& request,
    const v1::ValidateProgramResponse& verdict) const {
  namespace sv1 = kip::sessions::v1;
  sv1::AppendEventsRequest append;
  sv1::Event* event = append.add_events();
  event->set_event_id(RandomUuid());
  event->set_session_id(request.session_id());
  // Dated at the check: its `as_of` when the device gave one (the moment it
  // was programmed), else now.
  *event->mutable_device_time() =
      request.has_as_of() ? request.as_of() : ProtoFromTime(absl::Now());
  sv1::DrugLibraryAlert* alert = event->mutable_drug_library_alert();
  alert->set_verdict(v1::Verdict_Name(verdict.verdict()));
  for (const v1::Violation& v : verdict.violations()) {
    sv1::AlertedLimit* limit = alert->add_limits();
    limit->set_limit(v.limit());
    limit->set_severity(v.severity() == v1::HARD ? "HARD" : "SOFT");
    limit->set_value(v.value());
    limit->set_bound(v.bound());
    limit->set_unit(v.unit());
  }
  alert->set_overridden(verdict.approved() && verdict.verdict() != v1::OK);
  alert->set_override_reason(verdict.accepted_override().reason_code().empty()
                                 ? verdict.accepted_override().reason_text()
                                 : verdict.accepted_override().reason_code());
  alert->set_override_clinician_id(verdict.accepted_override().clinician_id());
  alert->set_protocol_id(request.protocol_id());
  alert->set_care_area(kip::common::v1::CareArea_Name(request.care_area()));
  alert->set_rate_mg_per_h(request.program().rate_mg_per_h());
  CallOptions call;
  call.timeout = deadline_;
  call.bearer_token = bearer_token;
  absl::StatusOr<sv1::AppendEventsResponse> appended =
      connection_->AppendEvents(append, call);
  if (!appended.ok()) {
    return absl::Status(
        appended.status().code(),
        absl::StrCat("the drug-library alert could not be logged in session ",
                     request.session_id(),
                     " (sessions service: ", appended.status().message(),
                     "); the program is not approved"));
  }
  return absl::OkStatus();
}

std::unique_ptr<CumulativeDoseSource> SessionsDoseClient::ForCaller(
    std::string bearer_token) const {
  return std::make_unique<CallerDoseSource>(connection_.get(), deadline_,
                                            std::move(bearer_token));
}

}  // namespace kip::dosing
