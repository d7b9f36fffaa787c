#include "clinical/dose_accounting.h"

#include <algorithm>
#include <map>
#include <string>

#include "google/protobuf/util/time_util.h"

namespace kip::clinical {

namespace v1 = kip::sessions::v1;
namespace {

absl::Time DeviceTime(const v1::Event& event) {
  return absl::FromUnixMicros(
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(
          event.device_time()));
}

double RateMgPerH(double mg_per_h, double mg_per_kg_per_h, double weight_kg) {
  return mg_per_h > 0 ? mg_per_h : mg_per_kg_per_h * weight_kg;
}

// Hours of [a, b) that fall inside [from, to).
double OverlapHours(absl::Time a, absl::Time b, absl::Time from,
                    absl::Time to) {
  const absl::Time lo = std::max(a, from);
  const absl::Time hi = std::min(b, to);
  return hi > lo ? absl::ToDoubleHours(hi - lo) : 0.0;
}

}  // namespace

std::vector<v1::Event> ApplyCorrections(std::vector<v1::Event> events) {
  std::map<std::string, const v1::Correction*> corrections;
  for (const v1::Event& event : events) {
    if (event.has_correction()) {
      corrections[event.correction().corrected_event_id()] =
          &event.correction();
    }
  }
  std::vector<v1::Event> effective;
  for (const v1::Event& event : events) {
    if (event.has_correction()) continue;
    auto it = corrections.find(event.event_id());
    if (it == corrections.end()) {
      effective.push_back(event);
    } else if (it->second->has_replacement()) {
      v1::Event replaced = it->second->replacement();
      replaced.set_event_id(event.event_id());
      *replaced.mutable_device_time() = event.device_time();
      replaced.set_session_sequence(event.session_sequence());
      effective.push_back(std::move(replaced));
    }
  }
  return effective;
}

std::vector<v1::Event> Timeline(std::vector<v1::Event> events) {
  std::vector<v1::Event> timeline = ApplyCorrections(std::move(events));
  std::stable_sort(
      timeline.begin(), timeline.end(),
      [](const v1::Event& a, const v1::Event& b) {
        const absl::Time ta = DeviceTime(a), tb = DeviceTime(b);
        return ta != tb ? ta < tb : a.session_sequence() < b.session_sequence();
      });
  return timeline;
}

std::vector<RateInterval> RateIntervals(const std::vector<v1::Event>& timeline,
                                        double weight_kg) {
  std::vector<RateInterval> intervals;
  RateInterval current;
  bool running = false;
  auto close = [&](absl::Time at) {
    if (!running) return;
    intervals.push_back(current);
    intervals.back().end = at;
  };
  for (const v1::Event& event : timeline) {
    const absl::Time at = DeviceTime(event);
    switch (event.payload_case()) {
      case v1::Event::kInfusionStarted: {
        close(at);
        const v1::InfusionStarted& x = event.infusion_started();
        current = {
            at, absl::InfiniteFuture(),
            RateMgPerH(x.rate_mg_per_h(), x.rate_mg_per_kg_per_h(), weight_kg),
            ""};
        running = true;
        break;
      }
      case v1::Event::kRateChanged: {
        close(at);
        const v1::RateChanged& x = event.rate_changed();
        current.rate_mg_per_h =
            RateMgPerH(x.rate_mg_per_h(), x.rate_mg_per_kg_per_h(), weight_kg);
        current.adjustment_reason = x.reason();
        current.start = at;
        break;
      }
      case v1::Event::kInfusionPaused:
      case v1::Event::kInfusionStopped:
        close(at);
        running = false;
        break;
      case v1::Event::kInfusionResumed:
        if (!running) current.start = at;
        running = true;
        break;
      default:
        break;
    }
  }
  if (running) intervals.push_back(current);  // its end: InfiniteFuture
  return intervals;
}

double DeliveredMg(std::vector<v1::Event> events, double weight_kg,
                   absl::Time from, absl::Time to) {
  const std::vector<v1::Event> timeline = Timeline(std::move(events));
  double total_mg = 0;
  for (const RateInterval& interval : RateIntervals(timeline, weight_kg)) {
    total_mg += interval.rate_mg_per_h *
                OverlapHours(interval.start, interval.end, from, to);
  }
  for (const v1::Event& event : timeline) {
    const absl::Time at = DeviceTime(event);
    if (event.has_bolus() && at >= from && at < to)
      total_mg += event.bolus().dose_mg();
  }
  return total_mg;
}

double InfusedHours(std::vector<v1::Event> events, absl::Time from,
                    absl::Time to) {
  double hours = 0;
  for (const RateInterval& interval :
       RateIntervals(Timeline(std::move(events)), /*weight_kg=*/0)) {
    hours += OverlapHours(interval.start, interval.end, from, to);
  }
  return hours;
}

}  // namespace kip::clinical
