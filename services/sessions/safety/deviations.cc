#include "services/sessions/safety/deviations.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/time_util.h"
#include "clinical/dose_accounting.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/time_util.h"

extern const char kDeviationRulesText[];  // deviation_rules.textproto

namespace kip::safety {

namespace {

using google::protobuf::util::TimeUtil;
namespace dv1 = kip::dosing::v1;

const std::set<std::string>& KnownCodes() {
  static const auto* const kCodes = new std::set<std::string>{
      "RATE_OUTSIDE_PROTOCOL", "SESSION_OUTSIDE_DAY_WINDOW",
      "SESSION_TOO_LONG",      "SESSION_TOO_SHORT",
      "MISSED_FOLLOW_UP",      "ADJUNCT_NOT_IN_PROTOCOL"};
  return *kCodes;
}

absl::Duration FromProto(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

// Adds deviations of one rule, when the table has it.
class Finder {
 public:
  Finder(const v1::DeviationRules& rules, std::vector<v1::Deviation>& out)
      : out_(out) {
    for (const v1::DeviationRule& r : rules.rules()) rules_[r.code()] = r;
  }
  const v1::DeviationRule* Rule(const std::string& code) const {
    auto it = rules_.find(code);
    return it == rules_.end() ? nullptr : &it->second;
  }
  void Add(const std::string& code, const LoggedSession& s,
           const std::string& event_id, absl::Time at, std::string detail) {
    const v1::DeviationRule* rule = Rule(code);
    if (rule == nullptr) return;
    v1::Deviation d;
    d.set_study_id(s.study_id);
    d.set_patient_id(s.patient_id);
    d.set_session_id(s.session.session().session_id());
    d.set_event_id(event_id);
    d.set_code(code);
    d.set_severity(rule->severity());
    d.set_detail(std::move(detail));
    *d.mutable_time() = ProtoFromTime(at);
    out_.push_back(std::move(d));
  }

 private:
  std::map<std::string, v1::DeviationRule> rules_;
  std::vector<v1::Deviation>& out_;
};

std::string Hours(absl::Duration d) {
  return absl::StrCat(std::round(absl::ToDoubleHours(d) * 100) / 100, " h");
}

// Rate overrides, adjuncts and the infusion's duration in one session.
void InSession(const LoggedSession& s, const dv1::Protocol& protocol,
               Finder& find) {
  std::vector<v1::Event> events(s.session.events().begin(),
                                s.session.events().end());
  events = clinical::ApplyCorrections(std::move(events));
  std::set<std::string> adjuncts;
  for (const dv1::AdjunctDrug& a : protocol.adjuncts())
    adjuncts.insert(absl::AsciiStrToLower(a.drug()));
  std::optional<absl::Time> started, stopped;
  std::string stop_event;
  for (const v1::Event& e : events) {
    const absl::Time at = TimeFromProto(e.device_time());
    if (e.has_infusion_started() && !started) started = at;
    if (e.has_infusion_stopped()) {
      stopped = at;
      stop_event = e.event_id();
    }
    if (e.has_rate_changed() && !e.rate_changed().override_reason().empty()) {
      find.Add("RATE_OUTSIDE_PROTOCOL", s, e.event_id(), at,
               absl::StrCat(e.rate_changed().rate_mg_per_h(),
                            " mg/h under an override: ",
                            e.rate_changed().override_reason()));
    }
    if (e.has_adjunct_medication() &&
        !adjuncts.count(absl::AsciiStrToLower(e.adjunct_medication().drug()))) {
      find.Add("ADJUNCT_NOT_IN_PROTOCOL", s, e.event_id(), at,
               absl::StrCat(e.adjunct_medication().drug(),
                            " is not an adjunct "
                            "of protocol ",
                            protocol.id()));
    }
  }
  if (!started || !stopped) return;
  const absl::Duration ran = *stopped - *started;
  const absl::Duration longest = FromProto(protocol.session_duration());
  const absl::Duration shortest = FromProto(protocol.min_session_duration());
  if (longest > absl::ZeroDuration() && ran > longest) {
    find.Add("SESSION_TOO_LONG", s, stop_event, *stopped,
             absl::StrCat("ran ", Hours(ran), "; the protocol's session is ",
                          Hours(longest)));
  }
  if (shortest > absl::ZeroDuration() && ran < shortest) {
    find.Add("SESSION_TOO_SHORT", s, stop_event, *stopped,
             absl::StrCat("ran ", Hours(ran), "; the protocol's minimum is ",
                          Hours(shortest)));
  }
}

// The start day of each session of one course, and its follow-up.
void InCourse(std::vector<const LoggedSession*> course,
              const std::map<std::string, dv1::Protocol>& protocols,
              Finder& find, absl::Time now) {
  std::sort(course.begin(), course.end(), [](auto* a, auto* b) {
    return TimeFromProto(a->session.session().start_time()) <
           TimeFromProto(b->session.session().start_time());
  });
  const absl::Time first =
      TimeFromProto(course.front()->session.session().start_time());
  bool followed_up = false;
  for (const LoggedSession* s : course) {
    const v1::InfusionSession& session = s->session.session();
    auto protocol = protocols.find(session.protocol_id());
    for (const v1::Event& e : s->session.events()) {
      followed_up |=
          e.has_pain_score() && e.pain_score().timepoint() == v1::FOLLOW_UP;
    }
    if (protocol == protocols.end()) continue;
    InSession(*s, protocol->second, find);
    const v1::DeviationRule* window = find.Rule("SESSION_OUTSIDE_DAY_WINDOW");
    const absl::Duration spacing =
        FromProto(protocol->second.session_spacing());
    if (window == nullptr || spacing <= absl::ZeroDuration()) continue;
    const absl::Time planned =
        first + spacing * std::max(0, session.course_day() - 1);
    const absl::Time start = TimeFromProto(session.start_time());
    if (absl::AbsDuration(start - planned) >
        absl::Hours(window->window_hours())) {
      find.Add("SESSION_OUTSIDE_DAY_WINDOW", *s, "", start,
               absl::StrCat("course day ", session.course_day(), " started ",
                            Hours(start - planned), " from its planned time ",
                            absl::FormatTime(planned)));
    }
  }
  const v1::DeviationRule* follow = find.Rule("MISSED_FOLLOW_UP");
  if (follow == nullptr || followed_up) return;
  const absl::Time due =
      first + absl::Hours(24 * (follow->follow_up_day() +
                                follow->follow_up_window_days()));
  if (now > due) {
    find.Add(
        "MISSED_FOLLOW_UP", *course.front(), "", due,
        absl::StrCat("no follow-up pain score by day ",
                     follow->follow_up_day() + follow->follow_up_window_days(),
                     " of the course"));
  }
}

}  // namespace

absl::StatusOr<v1::DeviationRules> ParseDeviationRules(
    const std::string& text) {
  v1::DeviationRules rules;
  if (!google::protobuf::TextFormat::ParseFromString(text, &rules))
    return absl::InvalidArgumentError("deviation rules: not a DeviationRules");
  for (int i = 0; i < rules.rules_size(); ++i) {
    const v1::DeviationRule& r = rules.rules(i);
    const std::string at = absl::StrCat("rules[", i, "]");
    if (!KnownCodes().count(r.code()))
      return absl::InvalidArgumentError(at + ".code: '" + r.code() +
                                        "' is no rule KIP runs");
    if (r.severity() == v1::DEVIATION_SEVERITY_UNSPECIFIED)
      return absl::InvalidArgumentError(at + ".severity: is required");
    if (r.code() == "SESSION_OUTSIDE_DAY_WINDOW" && !(r.window_hours() > 0))
      return absl::InvalidArgumentError(at + ".window_hours: must be > 0");
    if (r.code() == "MISSED_FOLLOW_UP" &&
        (r.follow_up_day() <= 0 || r.follow_up_window_days() < 0))
      return absl::InvalidArgumentError(at + ".follow_up_day: must be > 0");
  }
  return rules;
}

const v1::DeviationRules& DeviationRuleTable() {
  static const auto* const kRules = new v1::DeviationRules(
      ParseDeviationRules(kDeviationRulesText).value_or(v1::DeviationRules()));
  return *kRules;
}

std::vector<v1::Deviation> FindDeviations(
    const std::vector<LoggedSession>& sessions,
    const std::map<std::string, dv1::Protocol>& protocols,
    const v1::DeviationRules& rules, absl::Time now) {
  std::vector<v1::Deviation> out;
  Finder find(rules, out);
  std::map<std::pair<std::string, std::string>,
           std::vector<const LoggedSession*>>
      courses;
  for (const LoggedSession& s : sessions)
    courses[{s.patient_id, s.session.session().course_id()}].push_back(&s);
  for (auto& [key, course] : courses) InCourse(course, protocols, find, now);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return TimeFromProto(a.time()) < TimeFromProto(b.time());
  });
  return out;
}

absl::StatusOr<std::map<std::string, dv1::Protocol>> ProtocolsOf(
    const std::vector<LoggedSession>& sessions, ProtocolSource& source) {
  std::map<std::string, dv1::Protocol> protocols;
  for (const LoggedSession& s : sessions) {
    const std::string& id = s.session.session().protocol_id();
    if (protocols.count(id)) continue;
    absl::StatusOr<dv1::Protocol> protocol = source.Protocol(id);
    if (!protocol.ok()) return protocol.status();
    protocols.emplace(id, *std::move(protocol));
  }
  return protocols;
}

}  // namespace kip::safety
