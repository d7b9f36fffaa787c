#include "services/gateway/sessions_port.h"

#include "absl/strings/str_cat.h"
#include "base/time_util.h"

namespace kip::gateway {

namespace sv1 = kip::sessions::v1;

SdkSessions::SdkSessions(std::shared_ptr<SessionLogConnection> connection,
                         std::string bearer_token, absl::Duration deadline,
                         absl::Duration lookback,
                         std::function<absl::Time()> clock)
    : connection_(std::move(connection)),
      bearer_token_(std::move(bearer_token)),
      deadline_(deadline),
      lookback_(lookback),
      clock_(std::move(clock)) {}

CallOptions SdkSessions::Call() const {
  CallOptions call;
  call.timeout = deadline_;
  call.bearer_token = bearer_token_;
  return call;
}

absl::StatusOr<std::optional<RunningSession>> SdkSessions::SessionOf(
    const std::string& device_id, absl::Time at) {
  // A pump's clock may run a little ahead of the one that started the
  // session (sessions allow devices 5 minutes).
  const absl::Time started_by = at + absl::Minutes(5);
  sv1::ListSessionsRequest list;
  *list.mutable_started_after() = ProtoFromTime(clock_() - lookback_);
  list.set_page_size(1000);
  std::optional<sv1::InfusionSession> latest;
  while (true) {
    absl::StatusOr<sv1::ListSessionsResponse> page =
        connection_->ListSessions(list, Call());
    if (!page.ok()) return page.status();
    for (const sv1::InfusionSession& s : page->sessions()) {
      if (s.device_id() != device_id ||
          TimeFromProto(s.start_time()) > started_by) {
        continue;
      }
      if (!latest.has_value() ||
          TimeFromProto(s.start_time()) > TimeFromProto(latest->start_time())) {
        latest = s;
      }
    }
    if (page->next_page_token().empty()) break;
    list.set_page_token(page->next_page_token());
  }
  if (!latest.has_value()) return std::optional<RunningSession>();
  sv1::GetSessionRequest get;
  get.set_session_id(latest->session_id());
  absl::StatusOr<sv1::GetSessionResponse> session =
      connection_->GetSession(get, Call());
  if (!session.ok()) return session.status();
  return std::optional<RunningSession>(RunningSessionFrom(*session));
}

absl::StatusOr<sv1::InfusionSession> SdkSessions::Header(
    const std::string& session_id) {
  sv1::GetSessionRequest get;
  get.set_session_id(session_id);
  absl::StatusOr<sv1::GetSessionResponse> session =
      connection_->GetSession(get, Call());
  if (!session.ok()) return session.status();
  return session->session();
}

absl::Status SdkSessions::Append(const std::vector<sv1::Event>& events) {
  sv1::AppendEventsRequest append;
  for (const sv1::Event& e : events) *append.add_events() = e;
  absl::StatusOr<sv1::AppendEventsResponse> appended =
      connection_->AppendEvents(append, Call());
  return appended.ok() ? absl::OkStatus() : appended.status();
}

}  // namespace kip::gateway
