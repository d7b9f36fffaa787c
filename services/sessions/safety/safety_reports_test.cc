// The SAE clocks at their boundaries with a fake clock: the initial report
// at 23:59 and 24:01 after awareness, a fatal SUSAR on day 7 and day 8, any
// other SUSAR on day 15 and day 16; follow-ups as versions; corrections.
#include "services/sessions/safety/safety_reports.h"

#include "base/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kip::safety {
namespace {

const absl::Time kAware = absl::FromUnixSeconds(1790000000);

v1::Event Serious(const std::string& id, absl::Time aware,
                  std::vector<v1::SeriousnessCriterion> criteria,
                  v1::Causality causality, v1::Expectedness expectedness) {
  v1::Event e;
  e.set_event_id(id);
  e.set_session_id("s1");
  *e.mutable_server_time() = ProtoFromTime(aware + absl::Minutes(5));
  v1::SideEffect* s = e.mutable_side_effect();
  s->set_type(v1::HYPERTENSION);
  s->set_severity(v1::SEVERE);
  for (auto c : criteria) s->add_seriousness_criteria(c);
  s->set_causality(causality);
  s->set_expectedness(expectedness);
  *s->mutable_awareness_time() = ProtoFromTime(aware);
  return e;
}

v1::Event Submitted(const std::string& ae, v1::SafetyReportKind kind,
                    absl::Time at) {
  v1::Event e;
  e.set_event_id("sub-" + ae + std::to_string(kind));
  e.set_session_id("s1");
  *e.mutable_server_time() = ProtoFromTime(at);
  e.mutable_safety_report_submitted()->set_adverse_event_id(ae);
  e.mutable_safety_report_submitted()->set_kind(kind);
  e.mutable_safety_report_submitted()->set_reference("CASE-1");
  return e;
}

std::vector<LoggedSession> Sessions(std::vector<v1::Event> events) {
  LoggedSession s{"S1", "P1", {}};
  s.session.mutable_session()->set_session_id("s1");
  for (v1::Event& e : events) *s.session.add_events() = std::move(e);
  return {s};
}

const v1::ReportClock& ClockOf(const v1::SafetyReport& r,
                               v1::SafetyReportKind kind) {
  for (const auto& c : r.clocks())
    if (c.kind() == kind) return c;
  static const v1::ReportClock kNone;
  ADD_FAILURE() << "no clock " << kind;
  return kNone;
}

TEST(SafetyReportsTest, InitialReportAt23h59IsPendingAt24h01Overdue) {
  auto sessions = Sessions({Serious("ae1", kAware, {v1::HOSPITALISATION},
                                    v1::NOT_RELATED, v1::EXPECTED)});
  auto before =
      SafetyReports(sessions, kAware + absl::Hours(23) + absl::Minutes(59));
  ASSERT_EQ(before.size(), 1u);
  EXPECT_FALSE(before[0].susar());
  ASSERT_EQ(before[0].clocks_size(), 1);  // no SUSAR clock
  EXPECT_EQ(before[0].clocks(0).state(), v1::ReportClock::PENDING);
  EXPECT_EQ(before[0].clocks(0).seconds_left(), 60);
  auto after =
      SafetyReports(sessions, kAware + absl::Hours(24) + absl::Minutes(1));
  EXPECT_EQ(after[0].clocks(0).state(), v1::ReportClock::OVERDUE);
  EXPECT_EQ(after[0].clocks(0).seconds_left(), -60);
  EXPECT_TRUE(after[0].overdue());
  // Submitted at 23:59: on time, whenever asked.
  sessions =
      Sessions({Serious("ae1", kAware, {v1::HOSPITALISATION}, v1::NOT_RELATED,
                        v1::EXPECTED),
                Submitted("ae1", v1::INITIAL_TO_SPONSOR,
                          kAware + absl::Hours(23) + absl::Minutes(59))});
  auto sent = SafetyReports(sessions, kAware + absl::Hours(24 * 30));
  EXPECT_EQ(sent[0].clocks(0).state(), v1::ReportClock::SUBMITTED_ON_TIME);
  EXPECT_EQ(sent[0].clocks(0).reference(), "CASE-1");
  EXPECT_FALSE(sent[0].overdue());
  // At 24:01: late.
  sessions = Sessions({Serious("ae1", kAware, {v1::HOSPITALISATION},
                               v1::NOT_RELATED, v1::EXPECTED),
                       Submitted("ae1", v1::INITIAL_TO_SPONSOR,
                                 kAware + absl::Hours(24) + absl::Minutes(1))});
  EXPECT_EQ(
      SafetyReports(sessions, kAware + absl::Hours(48))[0].clocks(0).state(),
      v1::ReportClock::SUBMITTED_LATE);
}

TEST(SafetyReportsTest, FatalSusarIsDueOnDay7AndOthersOnDay15) {
  // Fatal, suspected, unexpected: 7 days.
  auto fatal = Sessions(
      {Serious("ae1", kAware, {v1::DEATH}, v1::POSSIBLE, v1::UNEXPECTED)});
  auto day7 = SafetyReports(fatal, kAware + absl::Hours(7 * 24 - 1));
  ASSERT_EQ(day7.size(), 1u);
  EXPECT_TRUE(day7[0].susar());
  EXPECT_TRUE(day7[0].fatal_or_life_threatening());
  EXPECT_EQ(ClockOf(day7[0], v1::SUSAR_EXPEDITED).state(),
            v1::ReportClock::PENDING);
  auto day8 = SafetyReports(fatal, kAware + absl::Hours(7 * 24 + 1));
  EXPECT_EQ(ClockOf(day8[0], v1::SUSAR_EXPEDITED).state(),
            v1::ReportClock::OVERDUE);
  // Hospitalisation, probable, unexpected: 15 days.
  auto other = Sessions({Serious("ae2", kAware, {v1::HOSPITALISATION},
                                 v1::PROBABLE, v1::UNEXPECTED)});
  EXPECT_EQ(ClockOf(SafetyReports(other, kAware + absl::Hours(15 * 24 - 1))[0],
                    v1::SUSAR_EXPEDITED)
                .state(),
            v1::ReportClock::PENDING);
  EXPECT_EQ(ClockOf(SafetyReports(other, kAware + absl::Hours(15 * 24 + 1))[0],
                    v1::SUSAR_EXPEDITED)
                .state(),
            v1::ReportClock::OVERDUE);
  // Expected, or unlikely related: no expedited clock.
  auto expected = Sessions(
      {Serious("ae3", kAware, {v1::DEATH}, v1::DEFINITE, v1::EXPECTED)});
  EXPECT_EQ(SafetyReports(expected, kAware)[0].clocks_size(), 1);
  auto unlikely = Sessions(
      {Serious("ae4", kAware, {v1::DEATH}, v1::UNLIKELY, v1::UNEXPECTED)});
  EXPECT_EQ(SafetyReports(unlikely, kAware)[0].clocks_size(), 1);
}

TEST(SafetyReportsTest, FollowUpsAreVersionsAndMayMakeItASusar) {
  v1::Event first =
      Serious("ae1", kAware, {v1::HOSPITALISATION}, v1::CAUSALITY_UNSPECIFIED,
              v1::EXPECTEDNESS_UNSPECIFIED);
  // Two days later: assessed as probably related and unexpected.
  v1::Event follow =
      Serious("ae1-f1", kAware + absl::Hours(48), {v1::HOSPITALISATION},
              v1::PROBABLE, v1::UNEXPECTED);
  follow.mutable_side_effect()->set_follow_up_of_event_id("ae1");
  v1::Event nonserious;
  nonserious.set_event_id("n1");
  nonserious.mutable_side_effect()->set_type(v1::NAUSEA);
  auto reports = SafetyReports(Sessions({first, follow, nonserious}), kAware);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].versions(), 2);
  EXPECT_THAT(reports[0].follow_up_event_ids(),
              ::testing::ElementsAre("ae1-f1"));
  EXPECT_TRUE(reports[0].susar());
  // The SUSAR clock runs from the follow-up that made it one: 15 days.
  EXPECT_EQ(TimeFromProto(ClockOf(reports[0], v1::SUSAR_EXPEDITED).due_time()),
            kAware + absl::Hours(48) + kOtherSusarWindow);
  // A submission naming the follow-up counts for the report.
  auto sent = SafetyReports(Sessions({first, follow,
                                      Submitted("ae1-f1", v1::SUSAR_EXPEDITED,
                                                kAware + absl::Hours(72))}),
                            kAware + absl::Hours(24 * 40));
  EXPECT_EQ(ClockOf(sent[0], v1::SUSAR_EXPEDITED).state(),
            v1::ReportClock::SUBMITTED_ON_TIME);
}

TEST(SafetyReportsTest, ACorrectionThatRemovesSeriousnessClosesTheReport) {
  v1::Event first = Serious("ae1", kAware, {v1::HOSPITALISATION},
                            v1::NOT_RELATED, v1::EXPECTED);
  v1::Event fix;
  fix.set_event_id("c1");
  fix.mutable_correction()->set_corrected_event_id("ae1");
  v1::Event* replacement = fix.mutable_correction()->mutable_replacement();
  *replacement = first;
  replacement->mutable_side_effect()->clear_seriousness_criteria();
  EXPECT_TRUE(SafetyReports(Sessions({first, fix}), kAware).empty());
}

}  // namespace
}  // namespace kip::safety
