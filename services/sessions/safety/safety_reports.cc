#include "services/sessions/safety/safety_reports.h"

#include <algorithm>
#include <map>
#include <optional>

#include "base/time_util.h"
#include "clinical/dose_accounting.h"

namespace kip::safety {

namespace {

struct Version {
  const LoggedSession* session;
  v1::Event event;
};

struct Submission {
  absl::Time time;
  std::string reference;
};

absl::Time Awareness(const v1::Event& event) {
  const v1::SideEffect& s = event.side_effect();
  return s.has_awareness_time() ? TimeFromProto(s.awareness_time())
                                : TimeFromProto(event.server_time());
}

bool FatalOrLifeThreatening(const v1::SideEffect& s) {
  for (int c : s.seriousness_criteria()) {
    if (c == v1::DEATH || c == v1::LIFE_THREATENING) return true;
  }
  return false;
}

bool IsSusar(const v1::SideEffect& s) {
  return IsSerious(s) && IsSuspected(s) && s.expectedness() == v1::UNEXPECTED;
}

v1::ReportClock Clock(v1::SafetyReportKind kind, absl::Time due,
                      const std::optional<Submission>& submitted,
                      absl::Time now) {
  v1::ReportClock clock;
  clock.set_kind(kind);
  *clock.mutable_due_time() = ProtoFromTime(due);
  const absl::Time stopped = submitted ? submitted->time : now;
  clock.set_seconds_left(absl::ToInt64Seconds(due - stopped));
  if (submitted) {
    *clock.mutable_submitted_time() = ProtoFromTime(submitted->time);
    clock.set_reference(submitted->reference);
    clock.set_state(submitted->time <= due ? v1::ReportClock::SUBMITTED_ON_TIME
                                           : v1::ReportClock::SUBMITTED_LATE);
  } else {
    clock.set_state(now <= due ? v1::ReportClock::PENDING
                               : v1::ReportClock::OVERDUE);
  }
  return clock;
}

// The root event id of `id` (a follow-up points at its report's first
// version or at another follow-up).
std::string RootOf(const std::map<std::string, std::string>& parent,
                   std::string id) {
  for (int hops = 0; hops < 1000; ++hops) {
    auto it = parent.find(id);
    if (it == parent.end()) break;
    id = it->second;
  }
  return id;
}

v1::SafetyReport Report(
    const std::vector<Version>& versions,
    const std::map<v1::SafetyReportKind, std::optional<Submission>>& submitted,
    absl::Time now) {
  const Version& first = versions.front();
  const v1::SideEffect& latest = versions.back().event.side_effect();
  v1::SafetyReport report;
  report.set_adverse_event_id(first.event.event_id());
  report.set_study_id(first.session->study_id);
  report.set_patient_id(first.session->patient_id);
  report.set_session_id(first.event.session_id());
  *report.mutable_side_effect() = latest;
  report.set_versions(static_cast<int32_t>(versions.size()));
  for (size_t i = 1; i < versions.size(); ++i)
    report.add_follow_up_event_ids(versions[i].event.event_id());
  const absl::Time aware = Awareness(first.event);
  *report.mutable_awareness_time() = ProtoFromTime(aware);
  report.set_suspected(IsSuspected(latest));
  report.set_unexpected(latest.expectedness() == v1::UNEXPECTED);
  report.set_susar(IsSusar(latest));
  report.set_fatal_or_life_threatening(FatalOrLifeThreatening(latest));
  auto find = [&](v1::SafetyReportKind kind) {
    auto it = submitted.find(kind);
    return it == submitted.end() ? std::nullopt : it->second;
  };
  *report.add_clocks() =
      Clock(v1::INITIAL_TO_SPONSOR, aware + kInitialReportWindow,
            find(v1::INITIAL_TO_SPONSOR), now);
  for (const Version& v : versions) {
    if (!IsSusar(v.event.side_effect())) continue;
    // The clock starts with the first version that makes it a SUSAR; a
    // version that makes it fatal or life-threatening shortens the window.
    const absl::Time from = std::max(aware, Awareness(v.event));
    const absl::Duration window =
        FatalOrLifeThreatening(latest) ? kFatalSusarWindow : kOtherSusarWindow;
    *report.add_clocks() = Clock(v1::SUSAR_EXPEDITED, from + window,
                                 find(v1::SUSAR_EXPEDITED), now);
    break;
  }
  for (const v1::ReportClock& c : report.clocks())
    report.set_overdue(report.overdue() ||
                       c.state() == v1::ReportClock::OVERDUE);
  return report;
}

}  // namespace

bool IsSerious(const v1::SideEffect& side_effect) {
  return side_effect.serious() || side_effect.seriousness_criteria_size() > 0;
}

bool IsSuspected(const v1::SideEffect& side_effect) {
  return side_effect.causality() == v1::POSSIBLE ||
         side_effect.causality() == v1::PROBABLE ||
         side_effect.causality() == v1::DEFINITE;
}

std::vector<v1::SafetyReport> SafetyReports(
    const std::vector<LoggedSession>& sessions, absl::Time now) {
  std::vector<Version> serious;
  std::vector<v1::Event> submissions;
  std::map<std::string, std::string> parent;
  for (const LoggedSession& s : sessions) {
    std::vector<v1::Event> events(s.session.events().begin(),
                                  s.session.events().end());
    for (v1::Event& e : clinical::ApplyCorrections(std::move(events))) {
      if (e.has_safety_report_submitted()) submissions.push_back(e);
      if (!e.has_side_effect()) continue;
      if (!e.side_effect().follow_up_of_event_id().empty())
        parent[e.event_id()] = e.side_effect().follow_up_of_event_id();
      if (IsSerious(e.side_effect()) ||
          !e.side_effect().follow_up_of_event_id().empty())
        serious.push_back({&s, std::move(e)});
    }
  }
  std::map<std::string, std::vector<Version>> by_root;
  for (Version& v : serious)
    by_root[RootOf(parent, v.event.event_id())].push_back(std::move(v));
  std::map<std::string,
           std::map<v1::SafetyReportKind, std::optional<Submission>>>
      submitted;
  for (const v1::Event& e : submissions) {
    const v1::SafetyReportSubmitted& s = e.safety_report_submitted();
    std::optional<Submission>& slot =
        submitted[RootOf(parent, s.adverse_event_id())][s.kind()];
    const absl::Time at = TimeFromProto(e.server_time());
    if (!slot || at < slot->time) slot = Submission{at, s.reference()};
  }
  std::vector<v1::SafetyReport> reports;
  for (auto& [root, versions] : by_root) {
    std::sort(versions.begin(), versions.end(),
              [](const Version& a, const Version& b) {
                return Awareness(a.event) < Awareness(b.event);
              });
    // Only a chain whose first version is itself serious is a report.
    if (versions.front().event.event_id() != root ||
        !IsSerious(versions.front().event.side_effect()))
      continue;
    reports.push_back(Report(versions, submitted[root], now));
  }
  std::sort(reports.begin(), reports.end(), [](const auto& a, const auto& b) {
    return a.awareness_time().seconds() < b.awareness_time().seconds();
  });
  return reports;
}

}  // namespace kip::safety
