#include "clinical/dose_accounting.h"
#include "services/gateway/core/ports.h"

namespace kip::gateway {

namespace sv1 = kip::sessions::v1;

RunningSession RunningSessionFrom(const sv1::GetSessionResponse& logged) {
  RunningSession s;
  s.session_id = logged.session().session_id();
  s.patient_id = logged.session().patient_id();
  s.device_id = logged.session().device_id();
  s.ended = logged.session().has_end_time();
  if (logged.session().concentration_mg_per_ml() > 0) {
    s.concentration_mg_per_ml = logged.session().concentration_mg_per_ml();
  }
  s.care_area = logged.session().care_area();
  for (const sv1::Event& e : logged.events()) s.event_ids.insert(e.event_id());
  for (const sv1::Event& e : kip::clinical::ApplyCorrections(
           {logged.events().begin(), logged.events().end()})) {
    ApplyEvent(logged.session(), e, s);
  }
  return s;
}

void ApplyEvent(const sv1::InfusionSession& session, const sv1::Event& e,
                RunningSession& s) {
  switch (e.payload_case()) {
    case sv1::Event::kInfusionStarted:
      s.infusion_started = true;
      s.paused = false;
      s.rate_ml_per_h = e.infusion_started().rate_ml_per_h();
      if (e.infusion_started().concentration_mg_per_ml() > 0) {
        s.concentration_mg_per_ml =
            e.infusion_started().concentration_mg_per_ml();
      }
      if (session.care_area() == kip::common::v1::CARE_AREA_UNSPECIFIED) {
        s.care_area = e.infusion_started().care_area();
      }
      break;
    case sv1::Event::kRateChanged:
      s.rate_ml_per_h = e.rate_changed().rate_ml_per_h();
      break;
    case sv1::Event::kInfusionPaused:
      s.paused = true;
      break;
    case sv1::Event::kInfusionResumed:
      s.paused = false;
      break;
    default:
      break;
  }
}

}  // namespace kip::gateway
