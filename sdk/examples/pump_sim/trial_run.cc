#include "sdk/examples/pump_sim/trial_run.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/time_util.h"
#include "sdk/cpp/session_logger.h"
#include "sdk/examples/common/demo_calls.h"

namespace kip::demo {
namespace {

namespace dv1 = kip::dosing::v1;
namespace sv1 = kip::sessions::v1;
using kip::examples::OrDie;

// A nurse's decimal slip (ten times the planned rate) caught by the drug
// library at `programmed`: the dosing service refuses the program and logs the
// alert in the session (which must be on the server first: flush the outbox).
// The drug-library quality report counts it.
void Mistype(dv1::ValidateProgramRequest check, absl::Time programmed,
             const std::string& session_id, SessionLogger& logger,
             DosingClient& dosing) {
  if (absl::Status flushed = logger.Flush(absl::Now() + absl::Seconds(30));
      !flushed.ok()) {
    std::fprintf(stderr, "pump_sim: Flush: %s\n", flushed.ToString().c_str());
    std::exit(1);
  }
  check.set_session_id(session_id);
  *check.mutable_as_of() = ProtoFromTime(programmed);
  const double typed = 10 * check.program().rate_mg_per_h();
  check.mutable_program()->set_rate_mg_per_h(typed);
  const auto verdict = OrDie(dosing.ValidateProgram(check), "ValidateProgram");
  if (verdict.approved()) {
    std::fprintf(stderr, "pump_sim: a tenfold rate was approved\n");
    std::exit(1);
  }
  std::printf("  %.0f mg/h typed (decimal slip): %s, refused and logged\n",
              typed, dv1::Verdict_Name(verdict.verdict()).c_str());
}

struct Enrolled {
  sv1::Patient patient;
  bool ketamine = false;  // what the pharmacy put in the bag
};

// The p-th simulated patient, enrolled and allocated by KIP.
Enrolled Enroll(int p, const TrialRunOptions& options, Simulator& sim,
                SessionLogClient& clinician, SessionLogClient& pharmacy) {
  sv1::EnrollPatientRequest enroll;
  sv1::Patient* patient = enroll.mutable_patient();
  patient->set_study_id(options.study_id);
  patient->set_patient_id(absl::StrFormat("P%03d", p + 1));
  patient->set_site_id(options.site);
  patient->set_baseline_weight_kg(std::round(sim.Uniform(55, 100)));
  patient->set_height_cm(std::round(sim.Uniform(155, 190)));
  patient->set_sex(sim.Chance(0.6) ? kip::common::v1::FEMALE
                                   : kip::common::v1::MALE);
  patient->set_age_band("40-49");
  patient->set_condition(sv1::NEUROPATHIC);
  patient->set_baseline_pain_nrs(std::round(sim.Uniform(6, 9) * 10) / 10);
  patient->set_temporal_summation_nrs(std::round(sim.Uniform(0, 4) * 10) / 10);
  patient->set_conditioned_pain_modulation_nrs(
      std::round(sim.Uniform(-2, 2) * 10) / 10);
  // KIP allocates; the clinician sees the kit code, the pharmacy the arm
  // it prepares (the simulated patient responds to what is in the bag).
  Enrolled out;
  out.patient =
      OrDie(clinician.EnrollPatient(enroll), "EnrollPatient").patient();
  sv1::GetPatientRequest kit;
  kit.set_study_id(options.study_id);
  kit.set_patient_id(out.patient.patient_id());
  out.ketamine = OrDie(pharmacy.GetPatient(kit), "GetPatient (pharmacy)")
                     .patient()
                     .arm_id() == "ketamine";
  // The clinician's view withholds the arm; the weight is the enrolment's.
  out.patient.set_baseline_weight_kg(patient->baseline_weight_kg());
  out.patient.set_baseline_pain_nrs(patient->baseline_pain_nrs());
  if (p < 2) {
    std::printf("%s enrolled: kit %s, clinician sees %s\n",
                out.patient.patient_id().c_str(),
                out.patient.kit_code().c_str(),
                out.patient.arm_withheld() ? "no arm (blinded)"
                                           : out.patient.arm_id().c_str());
  }
  return out;
}

// One patient's course as the pump and the nurse run it.
class Course {
 public:
  Course(int index, const TrialRunOptions& options, const Enrolled& enrolled,
         bool online, Simulator& sim, DosingClient& dosing,
         SessionLogger& logger)
      : index_(index),
        options_(options),
        patient_(enrolled.patient),
        ketamine_(enrolled.ketamine),
        online_(online),
        sim_(sim),
        dosing_(dosing),
        logger_(logger) {}

  // Logs every session of `plan` starting on `course_start`; returns the
  // number of events logged.
  int64_t Run(const dv1::PlanCourseResponse& plan, absl::Time course_start);

 private:
  void Log(absl::Duration at, const std::function<void(sv1::Event&)>& fill);
  double Start(const dv1::PlannedSession& planned, double rate);
  double Hour(int session, int hour, double rate);
  void Finish(const dv1::PlanCourseResponse& plan, int session,
              const dv1::PlannedSession& planned);

  const int index_;
  const TrialRunOptions& options_;
  const sv1::Patient& patient_;
  const bool ketamine_;
  const bool online_;
  Simulator& sim_;
  DosingClient& dosing_;
  SessionLogger& logger_;
  std::string session_id_;
  absl::Time start_;
  double pain_ = 0;
  double relief_ = 0;
  int64_t events_ = 0;
};

void Course::Log(absl::Duration at,
                 const std::function<void(sv1::Event&)>& fill) {
  sv1::Event e;
  e.set_session_id(session_id_);
  *e.mutable_device_time() = ProtoFromTime(start_ + at);
  fill(e);
  OrDie(logger_.Log(e), "Log");
  ++events_;
}

int64_t Course::Run(const dv1::PlanCourseResponse& plan,
                    absl::Time course_start) {
  // Simulated response: ketamine lowers pain more (synthetic, seeded).
  relief_ = ketamine_ ? sim_.Uniform(0.15, 0.55) : sim_.Uniform(0.0, 0.25);
  pain_ = patient_.baseline_pain_nrs();
  for (int s = 0; s < plan.sessions_size(); ++s) {
    const dv1::PlannedSession& planned = plan.sessions(s);
    start_ = course_start + absl::Hours(24 * s);
    sv1::InfusionSession session;
    session.set_study_id(options_.study_id);
    session.set_patient_id(patient_.patient_id());
    session.set_protocol_id("bosma-2018");
    session.set_protocol_version(plan.library().version());
    session.set_device_id("pump-sim");
    session.set_course_day(planned.day());
    session.set_course_id(absl::StrCat(patient_.patient_id(), "-course"));
    *session.mutable_start_time() = ProtoFromTime(start_);
    session_id_ = OrDie(logger_.Start(session), "Start");
    if (s == 0) {
      Log(absl::ZeroDuration(), [&](sv1::Event& e) {
        e.mutable_pain_score()->set_nrs(patient_.baseline_pain_nrs());
        e.mutable_pain_score()->set_timepoint(sv1::BASELINE);
      });
    }
    double rate = Start(planned, planned.steps(0).rate_mg_per_h());
    for (int hour = 1; hour * 60 < planned.duration_min(); ++hour) {
      rate = Hour(s, hour, rate);
    }
    Finish(plan, s, planned);
  }
  return events_;
}

// The programme checked by dosing and the infusion started (a placebo bag
// is logged as a note: the pump runs saline).
double Course::Start(const dv1::PlannedSession& planned, double rate) {
  if (!ketamine_) {
    Log(absl::Minutes(1), [](sv1::Event& e) {
      e.mutable_note()->set_text("placebo (saline) infusion started");
    });
    return rate;
  }
  dv1::ValidateProgramRequest check;
  check.set_protocol_id("bosma-2018");
  check.mutable_patient()->set_weight_kg(patient_.baseline_weight_kg());
  check.set_concentration_mg_per_ml(1);
  check.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
  check.mutable_program()->set_rate_mg_per_h(rate);
  check.mutable_program()->set_duration_min(planned.duration_min());
  const auto verdict = OrDie(dosing_.ValidateProgram(check), "ValidateProgram");
  if (!verdict.approved()) {
    std::fprintf(stderr, "pump_sim: the planned rate was not approved\n");
    std::exit(1);
  }
  if (online_ && sim_.Chance(0.15)) {
    Mistype(check, start_ + absl::Minutes(1), session_id_, logger_, dosing_);
  }
  Log(absl::Minutes(1), [&](sv1::Event& e) {
    auto* x = e.mutable_infusion_started();
    x->set_care_area(kip::common::v1::OUTPATIENT_PAIN);
    x->set_rate_mg_per_h(rate);
    x->set_rate_mg_per_kg_per_h(rate / patient_.baseline_weight_kg());
    x->set_rate_ml_per_h(verdict.rate_ml_per_h());
    x->set_concentration_mg_per_ml(1);
  });
  return rate;
}

// An hour of the infusion: vitals, the trial's one serious adverse event,
// and nausea now and then, titrated as dosing proposes. Returns the rate.
double Course::Hour(int session, int hour, double rate) {
  Log(absl::Hours(hour), [&](sv1::Event& e) {
    e.mutable_vital_signs()->set_spo2_percent(std::round(sim_.Uniform(94, 99)));
    e.mutable_vital_signs()->set_heart_rate_per_min(
        std::round(sim_.Uniform(60, 95)));
    e.mutable_vital_signs()->set_systolic_bp_mmhg(
        std::round(sim_.Uniform(110, 145)));
  });
  if (index_ == 2 && session == 0 && hour == 3) {
    // One serious adverse event (synthetic): the site learns of it when the
    // event reaches the server, which starts its clocks.
    Log(absl::Hours(hour) + absl::Minutes(1), [](sv1::Event& e) {
      sv1::SideEffect* x = e.mutable_side_effect();
      x->set_type(sv1::HYPERTENSION);
      x->set_severity(sv1::SEVERE);
      x->add_seriousness_criteria(sv1::HOSPITALISATION);
      x->set_causality(sv1::POSSIBLE);
      x->set_expectedness(sv1::EXPECTED);
      x->set_action_taken("infusion stopped; admitted for observation");
    });
  }
  if (!ketamine_ || hour != 2 || !sim_.Chance(0.3)) return rate;
  // Nausea: ask dosing what to do, and log what the pump did.
  Log(absl::Hours(hour) + absl::Minutes(5), [](sv1::Event& e) {
    e.mutable_side_effect()->set_type(sv1::NAUSEA);
    e.mutable_side_effect()->set_severity(sv1::MILD);
    e.mutable_side_effect()->set_action_taken(
        "rate decreased; antiemetic per site protocol");
  });
  if (options_.ondansetron_dose_mg > 0) {
    Log(absl::Hours(hour) + absl::Minutes(7), [&](sv1::Event& e) {
      e.mutable_adjunct_medication()->set_drug("ondansetron");
      e.mutable_adjunct_medication()->set_dose_mg(options_.ondansetron_dose_mg);
      e.mutable_adjunct_medication()->set_route("IV");
      e.mutable_adjunct_medication()->set_reason("nausea");
    });
  }
  dv1::ProposeTitrationRequest titrate;
  titrate.set_protocol_id("bosma-2018");
  titrate.mutable_patient()->set_weight_kg(patient_.baseline_weight_kg());
  titrate.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
  titrate.set_current_rate_mg_per_h(rate);
  titrate.set_concentration_mg_per_ml(1);
  titrate.mutable_observations()->add_side_effects("nausea");
  const auto proposal =
      OrDie(dosing_.ProposeTitration(titrate), "ProposeTitration");
  if (proposal.action() != dv1::DECREASE) return rate;
  Log(absl::Hours(hour) + absl::Minutes(6), [&](sv1::Event& e) {
    e.mutable_rate_changed()->set_rate_mg_per_h(proposal.new_rate_mg_per_h());
    e.mutable_rate_changed()->set_rate_ml_per_h(proposal.new_rate_ml_per_h());
    e.mutable_rate_changed()->set_reason(proposal.rule_id());
  });
  return proposal.new_rate_mg_per_h();
}

// The infusion stopped, the end-of-session pain score and, after the last
// session, the one-month follow-up.
void Course::Finish(const dv1::PlanCourseResponse& plan, int session,
                    const dv1::PlannedSession& planned) {
  const double baseline = patient_.baseline_pain_nrs();
  pain_ = std::max(0.0, pain_ - baseline * relief_ / plan.sessions_size() +
                            sim_.Uniform(-0.3, 0.3));
  const absl::Duration end = absl::Minutes(planned.duration_min());
  Log(end - absl::Minutes(1), [&](sv1::Event& e) {
    if (ketamine_) {
      e.mutable_infusion_stopped()->set_reason("end of session");
    } else {
      e.mutable_note()->set_text("placebo (saline) infusion stopped");
    }
  });
  Log(end, [&](sv1::Event& e) {
    e.mutable_pain_score()->set_nrs(std::round(std::min(10.0, pain_) * 10) /
                                    10);
    e.mutable_pain_score()->set_timepoint(sv1::END);
  });
  if (session + 1 == plan.sessions_size()) {
    Log(absl::Hours(24 * 30), [&](sv1::Event& e) {
      e.mutable_pain_score()->set_nrs(
          std::round(std::min(10.0, pain_ + sim_.Uniform(0, 0.8)) * 10) / 10);
      e.mutable_pain_score()->set_timepoint(sv1::FOLLOW_UP);
      e.mutable_pain_score()->set_follow_up_day(30);
    });
  }
}

std::unique_ptr<SessionLogger> PumpLogger(const SessionLoggerOptions& options,
                                          const std::string& address,
                                          const std::string& token) {
  return OrDie(SessionLogger::Create(
                   options, MakeSessionLogConnection(
                                examples::DemoConnection(address, token))),
               "SessionLogger");
}

}  // namespace

void LogTrial(const TrialRunOptions& options, Simulator& sim,
              DosingClient& dosing, SessionLogClient& clinician,
              SessionLogClient& pharmacy) {
  // The pump's outbox. The first third of the trial is logged with the
  // network down (an unreachable target); the outbox keeps it until the
  // pump reconnects.
  SessionLoggerOptions logger_options;
  logger_options.outbox_path = options.out_dir + "/pump-outbox.db";
  logger_options.max_backoff = absl::Milliseconds(200);
  std::filesystem::remove(logger_options.outbox_path);
  std::unique_ptr<SessionLogger> logger =
      PumpLogger(logger_options, "127.0.0.1:1", options.device_token);
  bool online = false;
  const absl::Time course_start = absl::Now() - absl::Hours(24 * 40);
  int64_t events = 0;
  for (int p = 0; p < options.patients; ++p) {
    if (!online && p >= options.patients / 3) {
      logger.reset();  // the pump restarts with the network back
      logger = PumpLogger(logger_options, options.sessions_address,
                          options.device_token);
      online = true;
      std::printf(
          "network back after %d patients: %ld records waiting in the outbox\n",
          p, static_cast<long>(logger->PendingCount()));
    }
    const Enrolled enrolled = Enroll(p, options, sim, clinician, pharmacy);
    dv1::PlanCourseRequest plan_request;
    plan_request.set_protocol_id("bosma-2018");
    plan_request.mutable_patient()->set_weight_kg(
        enrolled.patient.baseline_weight_kg());
    plan_request.set_concentration_mg_per_ml(1);
    plan_request.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
    const dv1::PlanCourseResponse plan =
        OrDie(dosing.PlanCourse(plan_request), "PlanCourse");
    events += Course(p, options, enrolled, online, sim, dosing, *logger)
                  .Run(plan, course_start);
  }
  const absl::Time flush_start = absl::Now();
  if (absl::Status flushed = logger->Flush(absl::Now() + absl::Seconds(60));
      !flushed.ok()) {
    std::fprintf(stderr, "pump_sim: %s\n", flushed.ToString().c_str());
    std::exit(1);
  }
  std::printf(
      "%d patients, %ld events logged and delivered (flush %.1f s, %ld "
      "refused)\n",
      options.patients, static_cast<long>(events),
      absl::ToDoubleSeconds(absl::Now() - flush_start),
      static_cast<long>(logger->RejectedCount()));
}

}  // namespace kip::demo
