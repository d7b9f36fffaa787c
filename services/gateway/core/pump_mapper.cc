#include "services/gateway/core/pump_mapper.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/time_util.h"
#include "base/uuid.h"

namespace kip::gateway {
namespace {

namespace sv1 = kip::sessions::v1;
using pcd::PumpEvent;
using pcd::PumpStatus;

// KIP's sessions infuse ketamine (its placebo arm is labelled as the drug).
constexpr char kDrug[] = "ketamine";
// Concentrations agree when within this relative tolerance (a pump shows a
// few significant digits).
constexpr double kConcentrationTolerance = 1e-3;

const char* EventName(const pcd::PumpReport& r) {
  if (r.alarm.has_value()) return "alarm";
  switch (r.event) {
    case PumpEvent::kDeliveryStart:
      return "delivery-start";
    case PumpEvent::kDeliveryStop:
      return "delivery-stop";
    case PumpEvent::kDeliveryComplete:
      return "delivery-complete";
    case PumpEvent::kNone:
      break;
  }
  return "report";
}

sv1::Event NewEvent(const pcd::PumpReport& report, const RunningSession& s,
                    int ordinal) {
  sv1::Event e;
  e.set_event_id(GatewayEventId(report, ordinal));
  e.set_session_id(s.session_id);
  *e.mutable_device_time() = ProtoFromTime(report.time);
  return e;
}

// Why the report's rate cannot be converted for this session, if it cannot.
std::optional<sv1::PumpMismatch> Mismatch(const pcd::PumpReport& r,
                                          const RunningSession& s) {
  sv1::PumpMismatch m;
  m.set_device_id(r.device_id);
  m.set_message_control_id(r.control_id);
  if (!r.drug_name.empty() &&
      !absl::StrContains(absl::AsciiStrToLower(r.drug_name), kDrug)) {
    m.set_field("drug");
    m.set_expected(kDrug);
    m.set_reported(r.drug_name);
    return m;
  }
  if (!s.concentration_mg_per_ml.has_value()) {
    m.set_field("concentration_mg_per_ml");
    m.set_expected("none programmed in the session");
    m.set_reported(r.concentration_mg_per_ml.has_value()
                       ? absl::StrCat(*r.concentration_mg_per_ml)
                       : "none reported");
    return m;
  }
  const double programmed = *s.concentration_mg_per_ml;
  if (!r.concentration_unit.empty() ||
      (r.concentration_mg_per_ml.has_value() &&
       std::fabs(*r.concentration_mg_per_ml - programmed) >
           kConcentrationTolerance * programmed)) {
    m.set_field("concentration_mg_per_ml");
    m.set_expected(absl::StrCat(programmed, " mg/mL"));
    m.set_reported(
        r.concentration_unit.empty()
            ? absl::StrCat(*r.concentration_mg_per_ml, " mg/mL")
            : absl::StrCat("a concentration in ", r.concentration_unit));
    return m;
  }
  return std::nullopt;
}

bool RateDiffers(const pcd::PumpReport& r, const RunningSession& s) {
  return r.rate_ml_per_h.has_value() &&
         (!s.rate_ml_per_h.has_value() ||
          std::fabs(*r.rate_ml_per_h - *s.rate_ml_per_h) > 1e-9);
}

template <typename Payload>
void SetRates(Payload& p, double ml_per_h, double mg_per_ml) {
  p.set_rate_ml_per_h(ml_per_h);
  p.set_rate_mg_per_h(ml_per_h * mg_per_ml);
}

// The infusion events of a report whose rate can be converted.
void InfusionEvents(const pcd::PumpReport& r, const RunningSession& s,
                    Mapped& out) {
  const double conc = s.concentration_mg_per_ml.value_or(0);
  const double rate = r.rate_ml_per_h.value_or(0);
  auto add = [&]() -> sv1::Event& {
    out.events.push_back(NewEvent(r, s, static_cast<int>(out.events.size())));
    return out.events.back();
  };
  const bool starting =
      r.event == PumpEvent::kDeliveryStart ||
      (r.event == PumpEvent::kNone && r.status == PumpStatus::kInfusing);
  const bool stopping =
      r.event == PumpEvent::kDeliveryStop ||
      r.event == PumpEvent::kDeliveryComplete ||
      (r.event == PumpEvent::kNone &&
       (r.status == PumpStatus::kPaused || r.status == PumpStatus::kComplete ||
        r.status == PumpStatus::kStopped));
  if (starting && !s.infusion_started) {
    sv1::InfusionStarted* started = add().mutable_infusion_started();
    SetRates(*started, rate, conc);
    started->set_concentration_mg_per_ml(conc);
    started->set_care_area(s.care_area);
    return;
  }
  if (starting) {
    if (s.paused) add().mutable_infusion_resumed();
    if (RateDiffers(r, s)) {
      sv1::RateChanged* changed = add().mutable_rate_changed();
      SetRates(*changed, rate, conc);
      changed->set_reason("pump: new rate reported");
    }
    return;
  }
  if (!stopping) return;
  if (!s.infusion_started) {
    out.not_applied =
        "the pump reports a stop, but the session's infusion "
        "has not started";
    return;
  }
  const bool pause = r.status == PumpStatus::kPaused &&
                     r.event != PumpEvent::kDeliveryComplete;
  if (pause) {
    if (!s.paused) {
      add().mutable_infusion_paused()->set_reason("pump: delivery stopped");
    }
    return;
  }
  add().mutable_infusion_stopped()->set_reason(
      r.event == PumpEvent::kDeliveryComplete ||
              r.status == PumpStatus::kComplete
          ? "pump: volume to be infused complete"
          : "pump: delivery stopped");
}

}  // namespace

std::string GatewayEventId(const pcd::PumpReport& r, int ordinal) {
  return NameBasedUuid(absl::StrCat("kip-gateway|", r.device_id, "|",
                                    r.control_id, "|", EventName(r), "|",
                                    absl::ToUnixMicros(r.time), "|", ordinal));
}

Mapped MapReport(const pcd::PumpReport& r, const RunningSession& s) {
  Mapped out;
  if (r.alarm.has_value()) {
    sv1::Event e = NewEvent(r, s, 0);
    sv1::PumpAlarm* alarm = e.mutable_pump_alarm();
    alarm->set_device_id(r.device_id);
    alarm->set_code(r.alarm->code);
    alarm->set_name(r.alarm->name);
    alarm->set_text(r.alarm->text);
    alarm->set_phase(r.alarm->phase);
    alarm->set_state(r.alarm->state);
    alarm->set_message_control_id(r.control_id);
    out.events.push_back(std::move(e));
    return out;
  }
  const bool needs_rate =
      r.event == PumpEvent::kDeliveryStart ||
      (r.event == PumpEvent::kNone && r.status == PumpStatus::kInfusing);
  if (needs_rate) {
    if (std::optional<sv1::PumpMismatch> m = Mismatch(r, s)) {
      sv1::Event e = NewEvent(r, s, 0);
      out.not_applied =
          absl::StrCat("the pump reports ", m->field(), " ", m->reported(),
                       "; the session has ", m->expected());
      *e.mutable_pump_mismatch() = *std::move(m);
      out.events.push_back(std::move(e));
      return out;
    }
    if (!r.rate_ml_per_h.has_value()) {
      out.not_applied = "the pump reports an infusion without a rate";
      return out;
    }
  }
  InfusionEvents(r, s, out);
  return out;
}

}  // namespace kip::gateway
