#include "tests/testing/session_records.h"

#include <random>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "base/time_util.h"

namespace kip::sessions::testing {

std::string NewUuid() {
  static std::mt19937_64 rng(std::random_device{}());
  static absl::Mutex mu;
  absl::MutexLock lock(&mu);
  const uint64_t a = rng(), b = rng();
  return absl::StrFormat("%08x-%04x-4%03x-a%03x-%012x", a >> 32,
                         (a >> 16) & 0xffff, a & 0xfff, (b >> 48) & 0xfff,
                         b & 0xffffffffffffULL);
}

v1::Study MakeStudy(const std::string& id) {
  v1::Study study;
  study.set_id(id);
  study.set_title("Ketamine for CRPS, 4-day outpatient infusion");
  for (const char* arm : {"ketamine", "placebo"}) {
    v1::Arm* a = study.add_arms();
    a->set_id(arm);
    a->set_title(arm);
  }
  study.add_protocol_ids("crps-0.35mgkg-4h");
  study.add_site_ids("site-a");
  return study;
}

v1::Patient MakePatient(const std::string& study, const std::string& id) {
  v1::Patient patient;
  patient.set_study_id(study);
  patient.set_patient_id(id);
  patient.set_site_id("site-a");
  patient.set_arm_id("ketamine");
  patient.set_baseline_weight_kg(70);
  patient.set_height_cm(172);
  patient.set_sex(kip::common::v1::FEMALE);
  patient.set_age_band("40-49");
  patient.set_condition(v1::CRPS);
  patient.set_baseline_pain_nrs(7.5);
  patient.set_temporal_summation_nrs(2);
  return patient;
}

v1::InfusionSession MakeSession(const std::string& study,
                                const std::string& patient,
                                const std::string& course) {
  v1::InfusionSession session;
  session.set_session_id(NewUuid());
  session.set_study_id(study);
  session.set_patient_id(patient);
  session.set_protocol_id("crps-0.35mgkg-4h");
  session.set_protocol_version("2026.11.1");
  session.set_device_id("pump-7");
  session.set_course_day(1);
  session.set_course_id(course);
  return session;
}

v1::Event PainEvent(const std::string& session_id, double nrs,
                    absl::Time device_time) {
  v1::Event event;
  event.set_event_id(NewUuid());
  event.set_session_id(session_id);
  *event.mutable_device_time() = kip::ProtoFromTime(device_time);
  event.mutable_pain_score()->set_nrs(nrs);
  event.mutable_pain_score()->set_timepoint(v1::DURING);
  return event;
}

}  // namespace kip::sessions::testing
