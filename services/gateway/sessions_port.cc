#include "services/gateway/sessions_port.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
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

absl::StatusOr<std::optional<sv1::InfusionSession>> SdkSessions::Latest(
    const std::string& device_id, absl::Time from, absl::Time started_by) {
  sv1::ListSessionsRequest list;
  *list.mutable_started_after() = ProtoFromTime(from);
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
  return latest;
}

absl::StatusOr<std::optional<RunningSession>> SdkSessions::SessionOf(
    const std::string& device_id, absl::Time at) {
  // A pump's clock may run a little ahead of the one that started the
  // session (sessions allow devices 5 minutes).
  const absl::Time started_by = at + absl::Minutes(5);
  const absl::Time oldest = clock_() - lookback_;
  std::optional<sv1::GetSessionResponse> known = Known(device_id);
  // The pump's session read before still counts unless a later one of the
  // site supersedes it: only sessions started since it need listing.
  if (known.has_value()) {
    const absl::Time start = TimeFromProto(known->session().start_time());
    if (start > started_by || start < oldest) known.reset();
  }
  KIP_ASSIGN_OR_RETURN(
      latest,
      Latest(device_id,
             known ? TimeFromProto(known->session().start_time()) : oldest,
             started_by));
  if (!latest.has_value()) return std::optional<RunningSession>();
  if (known && known->session().session_id() != latest->session_id())
    known.reset();
  const int64_t seen =
      known && known->events_size() > 0
          ? known->events(known->events_size() - 1).session_sequence()
          : 0;
  sv1::GetSessionRequest get;
  get.set_session_id(latest->session_id());
  get.set_after_sequence(seen);
  absl::StatusOr<sv1::GetSessionResponse> fresh =
      connection_->GetSession(get, Call());
  if (!fresh.ok()) return fresh.status();
  if (known) {
    *known->mutable_session() = fresh->session();
    for (sv1::Event& e : *fresh->mutable_events())
      *known->add_events() = std::move(e);
  } else {
    known = *std::move(fresh);
  }
  Remember(device_id, *known);
  return std::optional<RunningSession>(RunningSessionFrom(*known));
}

std::optional<sv1::GetSessionResponse> SdkSessions::Known(
    const std::string& device_id) {
  absl::MutexLock lock(&mu_);
  auto it = known_.find(device_id);
  if (it == known_.end()) return std::nullopt;
  return it->second;
}

void SdkSessions::Remember(const std::string& device_id,
                           const sv1::GetSessionResponse& session) {
  absl::MutexLock lock(&mu_);
  auto it = known_.find(device_id);
  // Another connection may have read further meanwhile: keep the longer.
  if (it != known_.end() &&
      it->second.session().session_id() == session.session().session_id() &&
      it->second.events_size() > session.events_size()) {
    return;
  }
  if (it == known_.end() && known_.size() >= kMaxKnownPumps) known_.clear();
  known_[device_id] = session;
}

absl::StatusOr<sv1::InfusionSession> SdkSessions::Header(
    const std::string& session_id) {
  sv1::GetSessionRequest get;
  get.set_session_id(session_id);
  get.set_after_sequence(std::numeric_limits<int64_t>::max());  // no events
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
