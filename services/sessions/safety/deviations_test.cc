// Each deviation rule from a scripted course, none from a clean one, and the
// shipped rule table loads and names only rules KIP runs.
#include "services/sessions/safety/deviations.h"

#include "base/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kip::safety {
namespace {

namespace dv1 = kip::dosing::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kDay1 = absl::FromUnixSeconds(1790000000);

dv1::Protocol SixHourDaily() {
  dv1::Protocol p;
  p.set_id("p6h");
  p.mutable_session_duration()->set_seconds(6 * 3600);
  p.mutable_min_session_duration()->set_seconds(4 * 3600);
  p.mutable_session_spacing()->set_seconds(24 * 3600);
  p.add_adjuncts()->set_drug("ondansetron");
  return p;
}

struct Script {
  std::vector<LoggedSession> sessions;
  int n = 0;
  v1::Event At(absl::Time t) {
    v1::Event e;
    e.set_event_id("e" + std::to_string(++n));
    *e.mutable_device_time() = ProtoFromTime(t);
    return e;
  }
  // A session of `day` starting at `start` whose infusion runs `hours`.
  v1::GetSessionResponse& Session(int day, absl::Time start, double hours) {
    LoggedSession s{"S1", "P1", {}};
    v1::InfusionSession* info = s.session.mutable_session();
    info->set_session_id("s" + std::to_string(day));
    info->set_protocol_id("p6h");
    info->set_course_id("c1");
    info->set_course_day(day);
    *info->mutable_start_time() = ProtoFromTime(start);
    v1::Event on = At(start);
    on.mutable_infusion_started()->set_rate_mg_per_h(20);
    v1::Event off = At(start + absl::Hours(hours));
    off.mutable_infusion_stopped();
    *s.session.add_events() = on;
    *s.session.add_events() = off;
    sessions.push_back(s);
    return sessions.back().session;
  }
};

std::vector<std::string> Codes(const std::vector<v1::Deviation>& found) {
  std::vector<std::string> codes;
  for (const v1::Deviation& d : found) codes.push_back(d.code());
  return codes;
}

TEST(DeviationsTest, ACleanCourseHasNone) {
  Script script;
  script.Session(1, kDay1, 6);
  v1::GetSessionResponse& day2 = script.Session(2, kDay1 + absl::Hours(24), 5);
  v1::Event ondansetron = script.At(kDay1 + absl::Hours(26));
  ondansetron.mutable_adjunct_medication()->set_drug("Ondansetron");
  *day2.add_events() = ondansetron;
  v1::Event follow_up = script.At(kDay1 + absl::Hours(24 * 30));
  follow_up.mutable_pain_score()->set_timepoint(v1::FOLLOW_UP);
  *day2.add_events() = follow_up;
  EXPECT_THAT(
      FindDeviations(script.sessions, {{"p6h", SixHourDaily()}},
                     DeviationRuleTable(), kDay1 + absl::Hours(24 * 60)),
      IsEmpty());
}

TEST(DeviationsTest, EachRuleFromAScriptedCourse) {
  Script script;
  // Day 1: 7 h (too long), a rate under an override, midazolam.
  v1::GetSessionResponse& day1 = script.Session(1, kDay1, 7);
  v1::Event rate = script.At(kDay1 + absl::Hours(1));
  rate.mutable_rate_changed()->set_rate_mg_per_h(90);
  rate.mutable_rate_changed()->set_override_reason("pain 9/10");
  *day1.add_events() = rate;
  v1::Event midazolam = script.At(kDay1 + absl::Hours(2));
  midazolam.mutable_adjunct_medication()->set_drug("midazolam");
  *day1.add_events() = midazolam;
  // Day 2 started 26 h late (window 24 h) and stopped after 3 h (< 4 h).
  script.Session(2, kDay1 + absl::Hours(24 + 26), 3);
  // No follow-up by day 37 (30 + 7).
  const auto found =
      FindDeviations(script.sessions, {{"p6h", SixHourDaily()}},
                     DeviationRuleTable(), kDay1 + absl::Hours(24 * 38));
  EXPECT_THAT(Codes(found),
              ElementsAre("RATE_OUTSIDE_PROTOCOL", "ADJUNCT_NOT_IN_PROTOCOL",
                          "SESSION_TOO_LONG", "SESSION_OUTSIDE_DAY_WINDOW",
                          "SESSION_TOO_SHORT", "MISSED_FOLLOW_UP"));
  EXPECT_EQ(found[0].severity(), v1::MAJOR);
  EXPECT_EQ(found[1].severity(), v1::MINOR);
  EXPECT_EQ(found[0].event_id(), "e3");  // the rate change
  EXPECT_THAT(found[2].detail(), ::testing::HasSubstr("ran 7 h"));
  // Before day 37 the follow-up is not missed yet.
  EXPECT_EQ(
      Codes(FindDeviations(script.sessions, {{"p6h", SixHourDaily()}},
                           DeviationRuleTable(), kDay1 + absl::Hours(24 * 36)))
          .size(),
      5u);
}

TEST(DeviationsTest, TheRuleTableIsDataAndChecked) {
  EXPECT_EQ(DeviationRuleTable().rules_size(), 6);
  auto bad = ParseDeviationRules("rules { code: 'TYPO' severity: MAJOR }");
  EXPECT_THAT(bad.status().message(), ::testing::HasSubstr("rules[0].code"));
  // A rule left out of the table is not reported.
  v1::DeviationRules only_minor;
  *only_minor.add_rules() = DeviationRuleTable().rules(5);  // adjuncts
  Script script;
  v1::GetSessionResponse& day1 = script.Session(1, kDay1, 9);
  v1::Event midazolam = script.At(kDay1 + absl::Hours(2));
  midazolam.mutable_adjunct_medication()->set_drug("midazolam");
  *day1.add_events() = midazolam;
  EXPECT_THAT(Codes(FindDeviations(script.sessions, {{"p6h", SixHourDaily()}},
                                   only_minor, kDay1 + absl::Hours(24 * 90))),
              ElementsAre("ADJUNCT_NOT_IN_PROTOCOL"));
}

}  // namespace
}  // namespace kip::safety
