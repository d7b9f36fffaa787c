#include "services/gateway/sessions_port.h"

#include <algorithm>
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
  std::shared_ptr<Pump> pump = PumpOf(device_id);
  // One message of a pump at a time (a pump server sends them in order).
  absl::MutexLock lock(&pump->mu);
  std::optional<KnownSession>& known = pump->known;
  // The pump's session read before still counts unless a later one of the
  // site supersedes it: only sessions started since it need listing.
  if (known.has_value()) {
    const absl::Time start = TimeFromProto(known->header.start_time());
    if (start > started_by || start < oldest) known.reset();
  }
  KIP_ASSIGN_OR_RETURN(
      latest, Latest(device_id,
                     known ? TimeFromProto(known->header.start_time()) : oldest,
                     started_by));
  if (!latest.has_value()) return std::optional<RunningSession>();
  if (known && known->header.session_id() != latest->session_id())
    known.reset();
  absl::StatusOr<sv1::GetSessionResponse> fresh =
      Read(latest->session_id(), known ? known->last_sequence : 0);
  if (!fresh.ok()) return fresh.status();
  const bool corrected =
      std::any_of(fresh->events().begin(), fresh->events().end(),
                  [](const sv1::Event& e) { return e.has_correction(); });
  if (known && corrected) {
    // A correction may rewrite what the state was built from: read it all.
    known.reset();
    fresh = Read(latest->session_id(), 0);
    if (!fresh.ok()) return fresh.status();
  }
  if (!known) {
    known = KnownSession{fresh->session(), RunningSessionFrom(*fresh), 0};
  } else {
    known->header = fresh->session();
    known->state.ended = known->header.has_end_time();
    for (const sv1::Event& e : fresh->events()) {
      known->state.event_ids.insert(e.event_id());
      ApplyEvent(known->header, e, known->state);
    }
  }
  if (fresh->events_size() > 0) {
    known->last_sequence =
        fresh->events(fresh->events_size() - 1).session_sequence();
  }
  return std::optional<RunningSession>(known->state);
}

absl::StatusOr<sv1::GetSessionResponse> SdkSessions::Read(
    const std::string& session_id, int64_t after_sequence) {
  sv1::GetSessionRequest get;
  get.set_session_id(session_id);
  get.set_after_sequence(after_sequence);
  return connection_->GetSession(get, Call());
}

std::shared_ptr<SdkSessions::Pump> SdkSessions::PumpOf(
    const std::string& device_id) {
  absl::MutexLock lock(&mu_);
  auto it = pumps_.find(device_id);
  if (it != pumps_.end()) return it->second;
  // Memory starts over (an entry in use lives on with its holder).
  if (pumps_.size() >= kMaxKnownPumps) pumps_.clear();
  auto pump = std::make_shared<Pump>();
  pumps_.emplace(device_id, pump);
  return pump;
}

absl::StatusOr<sv1::InfusionSession> SdkSessions::Header(
    const std::string& session_id) {
  absl::StatusOr<sv1::GetSessionResponse> session =
      Read(session_id, std::numeric_limits<int64_t>::max());  // no events
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
