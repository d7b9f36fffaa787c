#include "clinical/dose_accounting.h"

#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace kip::clinical {

namespace v1 = kip::sessions::v1;
namespace {

using google::protobuf::util::TimeUtil;

// A 70 kg patient on 2026-03-02 (UTC). Hand computation:
//   08:00 start 7 mg/h (0.1 mg/kg/h x 70 kg)  08:00-09:00  7.0 mg
//   09:00 change to 0.2 mg/kg/h = 14 mg/h      09:00-09:30  7.0 mg
//   09:30 pause, 09:45 resume                  09:45-11:00 17.5 mg
//   10:00 bolus 5 mg                                        5.0 mg
//   11:00 stop                                  total      36.5 mg
const absl::Time kDay = absl::FromCivil(absl::CivilSecond(2026, 3, 2, 0, 0, 0),
                                        absl::UTCTimeZone());
constexpr double kWeightKg = 70;

v1::Event At(int hour, int minute, int sequence) {
  v1::Event event;
  event.set_event_id("e" + std::to_string(sequence));
  event.set_session_sequence(sequence);
  *event.mutable_device_time() = TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(kDay + absl::Hours(hour) + absl::Minutes(minute)));
  return event;
}

std::vector<v1::Event> Session() {
  std::vector<v1::Event> events;
  v1::Event start = At(8, 0, 1);
  start.mutable_infusion_started()->set_rate_mg_per_h(7);
  start.mutable_infusion_started()->set_concentration_mg_per_ml(1);
  events.push_back(start);
  v1::Event change = At(9, 0, 2);
  change.mutable_rate_changed()->set_rate_mg_per_kg_per_h(0.2);
  events.push_back(change);
  v1::Event pause = At(9, 30, 3);
  pause.mutable_infusion_paused();
  events.push_back(pause);
  v1::Event resume = At(9, 45, 4);
  resume.mutable_infusion_resumed();
  events.push_back(resume);
  v1::Event bolus = At(10, 0, 5);
  bolus.mutable_bolus()->set_dose_mg(5);
  events.push_back(bolus);
  v1::Event pain = At(10, 30, 6);
  pain.mutable_pain_score()->set_nrs(4);
  events.push_back(pain);
  v1::Event stop = At(11, 0, 7);
  stop.mutable_infusion_stopped();
  events.push_back(stop);
  return events;
}

TEST(DoseAccountingTest, WholeSessionMatchesTheHandComputation) {
  EXPECT_NEAR(DeliveredMg(Session(), kWeightKg, absl::InfinitePast(),
                          absl::InfiniteFuture()),
              36.5, 1e-9);
}

TEST(DoseAccountingTest, ConstantRateIntervalsAsThePumpRan) {
  std::vector<v1::Event> events = Session();
  events[1].mutable_rate_changed()->set_reason("pain 7/10");
  // Logged out of order: the timeline sorts by device time.
  std::swap(events[3], events[4]);
  const std::vector<RateInterval> intervals =
      RateIntervals(Timeline(events), kWeightKg);
  ASSERT_EQ(intervals.size(), 3u);
  EXPECT_EQ(intervals[0].start, kDay + absl::Hours(8));
  EXPECT_EQ(intervals[0].end, kDay + absl::Hours(9));
  EXPECT_DOUBLE_EQ(intervals[0].rate_mg_per_h, 7);
  EXPECT_EQ(intervals[0].adjustment_reason, "");
  EXPECT_EQ(intervals[1].end, kDay + absl::Hours(9) + absl::Minutes(30));
  EXPECT_DOUBLE_EQ(intervals[1].rate_mg_per_h, 14);  // 0.2 mg/kg/h x 70 kg
  EXPECT_EQ(intervals[1].adjustment_reason, "pain 7/10");
  // After the pause: the same rate from the resume to the stop.
  EXPECT_EQ(intervals[2].start, kDay + absl::Hours(9) + absl::Minutes(45));
  EXPECT_EQ(intervals[2].end, kDay + absl::Hours(11));
  EXPECT_DOUBLE_EQ(intervals[2].rate_mg_per_h, 14);

  events.pop_back();  // not stopped: the last interval is still open
  EXPECT_EQ(RateIntervals(Timeline(events), kWeightKg).back().end,
            absl::InfiniteFuture());
}

TEST(DoseAccountingTest, WindowsCutIntervalsAndExcludeTheirEnd) {
  // [09:00, 10:00): 7 mg + 15 min at 14 mg/h; the 10:00 bolus is outside.
  EXPECT_NEAR(DeliveredMg(Session(), kWeightKg, kDay + absl::Hours(9),
                          kDay + absl::Hours(10)),
              10.5, 1e-9);
}

TEST(DoseAccountingTest, RunningInfusionCountsUpToAsOf) {
  std::vector<v1::Event> events = Session();
  events.pop_back();  // not stopped yet
  // As of 12:00: 36.5 + 1 h at 14 mg/h.
  EXPECT_NEAR(DeliveredMg(events, kWeightKg, absl::InfinitePast(),
                          kDay + absl::Hours(12)),
              50.5, 1e-9);
}

TEST(DoseAccountingTest, CorrectionReplacesTheCorrectedEventsPayload) {
  std::vector<v1::Event> events = Session();
  v1::Event correction = At(12, 0, 8);
  correction.mutable_correction()->set_corrected_event_id("e2");
  correction.mutable_correction()->set_reason("wrong rate keyed");
  correction.mutable_correction()
      ->mutable_replacement()
      ->mutable_rate_changed()
      ->set_rate_mg_per_h(10.5);
  events.push_back(correction);
  // 7 + 0.5 h x 10.5 + 1.25 h x 10.5 + 5 = 30.375 mg.
  EXPECT_NEAR(DeliveredMg(events, kWeightKg, absl::InfinitePast(),
                          absl::InfiniteFuture()),
              30.375, 1e-9);
}

TEST(DoseAccountingTest, CorrectionWithoutReplacementVoidsTheBolus) {
  std::vector<v1::Event> events = Session();
  v1::Event correction = At(12, 0, 8);
  correction.mutable_correction()->set_corrected_event_id("e5");
  correction.mutable_correction()->set_reason("bolus was not given");
  events.push_back(correction);
  EXPECT_NEAR(DeliveredMg(events, kWeightKg, absl::InfinitePast(),
                          absl::InfiniteFuture()),
              31.5, 1e-9);
}

}  // namespace
}  // namespace kip::clinical
