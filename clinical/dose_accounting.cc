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

double DeliveredMg(std::vector<v1::Event> events, double weight_kg,
                   absl::Time from, absl::Time to) {
  std::vector<v1::Event> timeline = ApplyCorrections(std::move(events));
  std::stable_sort(timeline.begin(), timeline.end(),
                   [](const v1::Event& a, const v1::Event& b) {
                     const absl::Time ta = DeviceTime(a), tb = DeviceTime(b);
                     if (ta != tb) return ta < tb;
                     return a.session_sequence() < b.session_sequence();
                   });
  double total_mg = 0;
  double rate_mg_per_h = 0;
  bool running = false;
  absl::Time since = absl::InfinitePast();
  for (const v1::Event& event : timeline) {
    const absl::Time at = DeviceTime(event);
    if (running) total_mg += rate_mg_per_h * OverlapHours(since, at, from, to);
    since = at;
    switch (event.payload_case()) {
      case v1::Event::kInfusionStarted:
        rate_mg_per_h = RateMgPerH(
            event.infusion_started().rate_mg_per_h(),
            event.infusion_started().rate_mg_per_kg_per_h(), weight_kg);
        running = true;
        break;
      case v1::Event::kRateChanged:
        rate_mg_per_h =
            RateMgPerH(event.rate_changed().rate_mg_per_h(),
                       event.rate_changed().rate_mg_per_kg_per_h(), weight_kg);
        break;
      case v1::Event::kInfusionPaused:
      case v1::Event::kInfusionStopped:
        running = false;
        break;
      case v1::Event::kInfusionResumed:
        running = rate_mg_per_h > 0;
        break;
      case v1::Event::kBolus:
        if (at >= from && at < to) total_mg += event.bolus().dose_mg();
        break;
      default:
        break;
    }
  }
  if (running) total_mg += rate_mg_per_h * OverlapHours(since, to, from, to);
  return total_mg;
}

double InfusedHours(std::vector<v1::Event> events, absl::Time from,
                    absl::Time to) {
  std::vector<v1::Event> timeline = ApplyCorrections(std::move(events));
  std::stable_sort(
      timeline.begin(), timeline.end(),
      [](const v1::Event& a, const v1::Event& b) {
        const absl::Time ta = DeviceTime(a), tb = DeviceTime(b);
        return ta != tb ? ta < tb : a.session_sequence() < b.session_sequence();
      });
  double hours = 0;
  bool running = false;
  absl::Time since = absl::InfinitePast();
  for (const v1::Event& event : timeline) {
    const absl::Time at = DeviceTime(event);
    if (running) hours += OverlapHours(since, at, from, to);
    since = at;
    if (event.has_infusion_started() || event.has_infusion_resumed())
      running = true;
    if (event.has_infusion_paused() || event.has_infusion_stopped())
      running = false;
  }
  if (running) hours += OverlapHours(since, to, from, to);
  return hours;
}

}  // namespace kip::clinical
