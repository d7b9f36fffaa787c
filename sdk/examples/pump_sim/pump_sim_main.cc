// pump_sim: a synthetic two-arm trial (ketamine vs placebo) run through the
// KIP SDK in accelerated time. For each patient it plans the course with the
// dosing service (bosma-2018: 6 h a day for 5 days), checks every programmed
// rate, runs the sessions (rates, titration on simulated side effects, vitals,
// pain scores, a one-month follow-up) and logs every event through the
// offline-first SessionLogger - the first third of the trial with the network
// down, so the outbox carries it. Then it asks analytics for the outcome and
// pools it with the seeds' published meta-analysis, printing the result and
// writing a forest plot. Synthetic data from a fixed seed; not clinical advice.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/time_util.h"
#include "kip/analytics/v1/analytics.grpc.pb.h"
#include "sdk/cpp/clients.h"
#include "sdk/cpp/session_logger.h"
#include "sdk/examples/common/demo_calls.h"
#include "sdk/examples/pump_sim/cqi_table.h"
#include "sdk/examples/pump_sim/dose_response.h"
#include "sdk/examples/pump_sim/trial_close.h"

ABSL_FLAG(std::string, dosing, "127.0.0.1:50051", "dosing service");
ABSL_FLAG(std::string, sessions, "127.0.0.1:50052", "sessions service");
ABSL_FLAG(std::string, analytics, "127.0.0.1:50053", "analytics service");
ABSL_FLAG(std::string, clinician_token, "", "bearer token of a clinician");
ABSL_FLAG(std::string, device_token, "", "bearer token of a device (the pump)");
ABSL_FLAG(std::string, researcher_token, "", "bearer token of a researcher");
ABSL_FLAG(std::string, pharmacy_token, "",
          "bearer token of the pharmacy (sees each kit's arm, to prepare "
          "ketamine or placebo; the simulated patient responds to it)");
ABSL_FLAG(std::string, admin_token, "",
          "bearer token of an admin (unblinds the study before the analysis)");
ABSL_FLAG(std::string, investigator_token, "",
          "bearer token of the investigator, signed in within 5 minutes (signs "
          "a casebook)");
ABSL_FLAG(int, patients, 24,
          "patients (KIP randomises them: permuted blocks, blinded)");
ABSL_FLAG(std::string, site, "local",
          "the patients' site: the clinician's and the pump's tokens must be "
          "of it (./kip up's dev tokens are of site 'local')");
ABSL_FLAG(int, seed, 20261121, "random seed of the synthetic trial");
ABSL_FLAG(double, ondansetron_dose_mg, 0,
          "the site's ondansetron dose for nausea (bosma-2018 names the drug, "
          "not the dose, so none is assumed: 0 logs no adjunct event)");
ABSL_FLAG(std::string, out_dir, "/tmp/kip-demo",
          "where the outbox and the forest plot go");

namespace {

namespace dv1 = kip::dosing::v1;
namespace sv1 = kip::sessions::v1;
namespace av1 = kip::analytics::v1;

using kip::examples::OrDie;

kip::ConnectionOptions Options(const std::string& target,
                               const std::string& token) {
  return kip::examples::DemoConnection(target, token);
}

struct Simulator {
  std::mt19937 rng;
  double Uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  }
  bool Chance(double p) { return Uniform(0, 1) < p; }
};

// Runs every patient's course through the pump's SessionLogger and waits
// until the outbox has delivered it all.
// A nurse's decimal slip (ten times the planned rate) caught by the drug
// library at `programmed`: the dosing service refuses the program and logs the
// alert in the session (which must be on the server first: flush the outbox).
// The drug-library quality report counts it.
void Mistype(dv1::ValidateProgramRequest check, absl::Time programmed,
             const std::string& session_id, kip::SessionLogger& logger,
             kip::DosingClient& dosing) {
  if (absl::Status flushed = logger.Flush(absl::Now() + absl::Seconds(30));
      !flushed.ok()) {
    std::fprintf(stderr, "pump_sim: Flush: %s\n", flushed.ToString().c_str());
    std::exit(1);
  }
  check.set_session_id(session_id);
  *check.mutable_as_of() = kip::ProtoFromTime(programmed);
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

void LogTrial(const std::string& study_id, const std::string& out_dir,
              Simulator& sim, kip::DosingClient& dosing,
              kip::SessionLogClient& clinician,
              kip::SessionLogClient& pharmacy) {
  // The pump's outbox. The first third of the trial is logged with the
  // network down (an unreachable target); the outbox keeps it until the
  // pump reconnects.
  const std::string outbox = out_dir + "/pump-outbox.db";
  std::filesystem::remove(outbox);
  kip::SessionLoggerOptions logger_options;
  logger_options.outbox_path = outbox;
  logger_options.max_backoff = absl::Milliseconds(200);
  auto offline =
      OrDie(kip::SessionLogger::Create(
                logger_options,
                kip::MakeSessionLogConnection(
                    Options("127.0.0.1:1", absl::GetFlag(FLAGS_device_token)))),
            "SessionLogger");
  std::unique_ptr<kip::SessionLogger> logger = std::move(offline);
  bool online = false;

  const int patients = absl::GetFlag(FLAGS_patients);
  const absl::Time course_start = absl::Now() - absl::Hours(24 * 40);
  int64_t events = 0;
  for (int p = 0; p < patients; ++p) {
    if (!online && p >= patients / 3) {
      logger.reset();  // the pump restarts with the network back
      logger =
          OrDie(kip::SessionLogger::Create(
                    logger_options, kip::MakeSessionLogConnection(Options(
                                        absl::GetFlag(FLAGS_sessions),
                                        absl::GetFlag(FLAGS_device_token)))),
                "SessionLogger");
      online = true;
      std::printf(
          "network back after %d patients: %ld records waiting in the outbox\n",
          p, static_cast<long>(logger->PendingCount()));
    }
    sv1::EnrollPatientRequest enroll;
    sv1::Patient* patient = enroll.mutable_patient();
    patient->set_study_id(study_id);
    patient->set_patient_id(absl::StrFormat("P%03d", p + 1));
    patient->set_site_id(absl::GetFlag(FLAGS_site));
    patient->set_baseline_weight_kg(std::round(sim.Uniform(55, 100)));
    patient->set_height_cm(std::round(sim.Uniform(155, 190)));
    patient->set_sex(sim.Chance(0.6) ? kip::common::v1::FEMALE
                                     : kip::common::v1::MALE);
    patient->set_age_band("40-49");
    patient->set_condition(sv1::NEUROPATHIC);
    const double baseline = std::round(sim.Uniform(6, 9) * 10) / 10;
    patient->set_baseline_pain_nrs(baseline);
    patient->set_temporal_summation_nrs(std::round(sim.Uniform(0, 4) * 10) /
                                        10);
    patient->set_conditioned_pain_modulation_nrs(
        std::round(sim.Uniform(-2, 2) * 10) / 10);
    // KIP allocates; the clinician sees the kit code, the pharmacy the arm
    // it prepares (the simulated patient responds to what is in the bag).
    const sv1::Patient enrolled =
        OrDie(clinician.EnrollPatient(enroll), "EnrollPatient").patient();
    sv1::GetPatientRequest kit;
    kit.set_study_id(study_id);
    kit.set_patient_id(enrolled.patient_id());
    const bool ketamine =
        OrDie(pharmacy.GetPatient(kit), "GetPatient (pharmacy)")
            .patient()
            .arm_id() == "ketamine";
    if (p < 2) {
      std::printf("%s enrolled: kit %s, clinician sees %s\n",
                  enrolled.patient_id().c_str(), enrolled.kit_code().c_str(),
                  enrolled.arm_withheld() ? "no arm (blinded)"
                                          : enrolled.arm_id().c_str());
    }

    dv1::PlanCourseRequest plan_request;
    plan_request.set_protocol_id("bosma-2018");
    plan_request.mutable_patient()->set_weight_kg(
        patient->baseline_weight_kg());
    plan_request.set_concentration_mg_per_ml(1);
    plan_request.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
    const dv1::PlanCourseResponse plan =
        OrDie(dosing.PlanCourse(plan_request), "PlanCourse");

    // Simulated response: ketamine lowers pain more (synthetic, seeded).
    const double relief =
        ketamine ? sim.Uniform(0.15, 0.55) : sim.Uniform(0.0, 0.25);
    double pain = baseline;
    for (int s = 0; s < plan.sessions_size(); ++s) {
      const dv1::PlannedSession& planned = plan.sessions(s);
      const absl::Time start = course_start + absl::Hours(24 * s);
      sv1::InfusionSession session;
      session.set_study_id(study_id);
      session.set_patient_id(patient->patient_id());
      session.set_protocol_id("bosma-2018");
      session.set_protocol_version(plan.library().version());
      session.set_device_id("pump-sim");
      session.set_course_day(planned.day());
      session.set_course_id(absl::StrCat(patient->patient_id(), "-course"));
      *session.mutable_start_time() = kip::ProtoFromTime(start);
      const std::string session_id = OrDie(logger->Start(session), "Start");
      auto log = [&](absl::Duration at, auto fill) {
        sv1::Event e;
        e.set_session_id(session_id);
        *e.mutable_device_time() = kip::ProtoFromTime(start + at);
        fill(e);
        OrDie(logger->Log(e), "Log");
        ++events;
      };
      if (s == 0) {
        log(absl::ZeroDuration(), [&](sv1::Event& e) {
          e.mutable_pain_score()->set_nrs(baseline);
          e.mutable_pain_score()->set_timepoint(sv1::BASELINE);
        });
      }
      double rate = planned.steps(0).rate_mg_per_h();
      if (ketamine) {
        dv1::ValidateProgramRequest check;
        check.set_protocol_id("bosma-2018");
        check.mutable_patient()->set_weight_kg(patient->baseline_weight_kg());
        check.set_concentration_mg_per_ml(1);
        check.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
        check.mutable_program()->set_rate_mg_per_h(rate);
        check.mutable_program()->set_duration_min(planned.duration_min());
        const auto verdict =
            OrDie(dosing.ValidateProgram(check), "ValidateProgram");
        if (!verdict.approved()) {
          std::fprintf(stderr, "pump_sim: the planned rate was not approved\n");
          std::exit(1);
        }
        if (online && sim.Chance(0.15)) {
          Mistype(check, start + absl::Minutes(1), session_id, *logger, dosing);
        }
        log(absl::Minutes(1), [&](sv1::Event& e) {
          e.mutable_infusion_started()->set_care_area(
              kip::common::v1::OUTPATIENT_PAIN);
          e.mutable_infusion_started()->set_rate_mg_per_h(rate);
          e.mutable_infusion_started()->set_rate_mg_per_kg_per_h(
              rate / patient->baseline_weight_kg());
          e.mutable_infusion_started()->set_rate_ml_per_h(
              verdict.rate_ml_per_h());
          e.mutable_infusion_started()->set_concentration_mg_per_ml(1);
        });
      } else {
        log(absl::Minutes(1), [](sv1::Event& e) {
          e.mutable_note()->set_text("placebo (saline) infusion started");
        });
      }
      for (int hour = 1; hour * 60 < planned.duration_min(); ++hour) {
        log(absl::Hours(hour), [&](sv1::Event& e) {
          e.mutable_vital_signs()->set_spo2_percent(
              std::round(sim.Uniform(94, 99)));
          e.mutable_vital_signs()->set_heart_rate_per_min(
              std::round(sim.Uniform(60, 95)));
          e.mutable_vital_signs()->set_systolic_bp_mmhg(
              std::round(sim.Uniform(110, 145)));
        });
        if (p == 2 && s == 0 && hour == 3) {
          // One serious adverse event (synthetic): the site learns of it
          // when the event reaches the server, which starts its clocks.
          log(absl::Hours(hour) + absl::Minutes(1), [](sv1::Event& e) {
            sv1::SideEffect* x = e.mutable_side_effect();
            x->set_type(sv1::HYPERTENSION);
            x->set_severity(sv1::SEVERE);
            x->add_seriousness_criteria(sv1::HOSPITALISATION);
            x->set_causality(sv1::POSSIBLE);
            x->set_expectedness(sv1::EXPECTED);
            x->set_action_taken("infusion stopped; admitted for observation");
          });
        }
        if (ketamine && hour == 2 && sim.Chance(0.3)) {
          // Nausea: ask dosing what to do, and log what the pump did.
          log(absl::Hours(hour) + absl::Minutes(5), [](sv1::Event& e) {
            e.mutable_side_effect()->set_type(sv1::NAUSEA);
            e.mutable_side_effect()->set_severity(sv1::MILD);
            e.mutable_side_effect()->set_action_taken(
                "rate decreased; antiemetic per site protocol");
          });
          if (const double dose_mg = absl::GetFlag(FLAGS_ondansetron_dose_mg);
              dose_mg > 0) {
            log(absl::Hours(hour) + absl::Minutes(7), [&](sv1::Event& e) {
              e.mutable_adjunct_medication()->set_drug("ondansetron");
              e.mutable_adjunct_medication()->set_dose_mg(dose_mg);
              e.mutable_adjunct_medication()->set_route("IV");
              e.mutable_adjunct_medication()->set_reason("nausea");
            });
          }
          dv1::ProposeTitrationRequest titrate;
          titrate.set_protocol_id("bosma-2018");
          titrate.mutable_patient()->set_weight_kg(
              patient->baseline_weight_kg());
          titrate.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
          titrate.set_current_rate_mg_per_h(rate);
          titrate.set_concentration_mg_per_ml(1);
          titrate.mutable_observations()->add_side_effects("nausea");
          const auto proposal =
              OrDie(dosing.ProposeTitration(titrate), "ProposeTitration");
          if (proposal.action() == dv1::DECREASE) {
            rate = proposal.new_rate_mg_per_h();
            log(absl::Hours(hour) + absl::Minutes(6), [&](sv1::Event& e) {
              e.mutable_rate_changed()->set_rate_mg_per_h(rate);
              e.mutable_rate_changed()->set_rate_ml_per_h(
                  proposal.new_rate_ml_per_h());
              e.mutable_rate_changed()->set_reason(proposal.rule_id());
            });
          }
        }
      }
      pain = std::max(0.0, pain - baseline * relief / plan.sessions_size() +
                               sim.Uniform(-0.3, 0.3));
      const absl::Duration end = absl::Minutes(planned.duration_min());
      log(end - absl::Minutes(1), [&](sv1::Event& e) {
        if (ketamine) {
          e.mutable_infusion_stopped()->set_reason("end of session");
        } else {
          e.mutable_note()->set_text("placebo (saline) infusion stopped");
        }
      });
      log(end, [&](sv1::Event& e) {
        e.mutable_pain_score()->set_nrs(std::round(std::min(10.0, pain) * 10) /
                                        10);
        e.mutable_pain_score()->set_timepoint(sv1::END);
      });
      if (s + 1 == plan.sessions_size()) {
        log(absl::Hours(24 * 30), [&](sv1::Event& e) {
          e.mutable_pain_score()->set_nrs(
              std::round(std::min(10.0, pain + sim.Uniform(0, 0.8)) * 10) / 10);
          e.mutable_pain_score()->set_timepoint(sv1::FOLLOW_UP);
          e.mutable_pain_score()->set_follow_up_day(30);
        });
      }
    }
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
      patients, static_cast<long>(events),
      absl::ToDoubleSeconds(absl::Now() - flush_start),
      static_cast<long>(logger->RejectedCount()));
}

// While blinded, the researcher sees one pooled group; the trial log
// verifies; then an admin unblinds the study for the final analysis.
void UnblindForAnalysis(const std::string& study_id,
                        kip::SessionLogClient& clinician,
                        kip::SessionLogClient& admin,
                        kip::AnalyticsClient& analytics) {
  av1::ComputeStudyOutcomesRequest blinded;
  blinded.set_study_id(study_id);
  blinded.set_outcome(av1::RESPONDERS_30_PERCENT);
  const auto pooled =
      OrDie(analytics.ComputeStudyOutcomes(blinded), "ComputeStudyOutcomes");
  for (const auto& arm : pooled.arms()) {
    if (arm.dose_band() != "all") continue;
    std::printf(
        "while blinded, the researcher sees group '%s': %ld / %ld "
        "responders\n",
        arm.arm_id().c_str(), static_cast<long>(arm.events()),
        static_cast<long>(arm.n()));
  }
  sv1::VerifyAllocationsRequest verify;
  verify.set_study_id(study_id);
  const auto verified =
      OrDie(clinician.VerifyAllocations(verify), "VerifyAllocations");
  std::printf("trial log: %ld entries, %s\n",
              static_cast<long>(verified.entries_checked()),
              verified.ok() ? "verified" : verified.problem().c_str());
  sv1::UnblindStudyRequest unblind;
  unblind.set_study_id(study_id);
  unblind.set_reason("demo: every follow-up logged, database locked");
  const auto unblinded = OrDie(admin.UnblindStudy(unblind), "UnblindStudy");
  std::printf("study %s unblinded by an admin (logged); the analysis follows\n",
              unblinded.study().id().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  std::filesystem::create_directories(out_dir);
  const std::string study_id = absl::StrCat("RCT-", absl::GetFlag(FLAGS_seed));
  Simulator sim{std::mt19937(absl::GetFlag(FLAGS_seed))};

  kip::DosingClient dosing(kip::MakeDosingConnection(
      Options(absl::GetFlag(FLAGS_dosing), absl::GetFlag(FLAGS_device_token))));
  kip::SessionLogClient clinician(kip::MakeSessionLogConnection(Options(
      absl::GetFlag(FLAGS_sessions), absl::GetFlag(FLAGS_clinician_token))));
  kip::AnalyticsClient analytics(kip::MakeAnalyticsConnection(Options(
      absl::GetFlag(FLAGS_analytics), absl::GetFlag(FLAGS_researcher_token))));
  kip::SessionLogClient pharmacy(kip::MakeSessionLogConnection(Options(
      absl::GetFlag(FLAGS_sessions), absl::GetFlag(FLAGS_pharmacy_token))));
  kip::SessionLogClient admin(kip::MakeSessionLogConnection(Options(
      absl::GetFlag(FLAGS_sessions), absl::GetFlag(FLAGS_admin_token))));

  // The study and its patients.
  sv1::CreateStudyRequest study;
  study.mutable_study()->set_id(study_id);
  study.mutable_study()->set_title(
      "Synthetic demo: IV ketamine vs placebo, 5-day course, randomised "
      "(permuted blocks), double-blind");
  for (const char* arm : {"ketamine", "placebo"}) {
    auto* a = study.mutable_study()->add_arms();
    a->set_id(arm);
    a->set_title(arm);
  }
  study.mutable_study()->add_protocol_ids("bosma-2018");
  study.mutable_study()->mutable_randomisation()->set_method(
      sv1::PERMUTED_BLOCKS);
  study.mutable_study()->set_blinded(true);
  OrDie(clinician.CreateStudy(study), "CreateStudy");
  std::printf(
      "study %s: randomised by KIP (permuted blocks of 2, 4, 6), "
      "blinded (kit codes)\n",
      study_id.c_str());

  sv1::ListSessionsRequest logged_sessions;
  logged_sessions.set_study_id(study_id);
  logged_sessions.set_page_size(1);
  if (OrDie(clinician.ListSessions(logged_sessions), "ListSessions")
          .sessions_size() > 0) {
    // Same seed, same study: its sessions are already in the log, and
    // logging them again would count every patient twice.
    std::printf("study %s is already logged; reading its outcome again\n",
                study_id.c_str());
  } else {
    LogTrial(study_id, out_dir, sim, dosing, clinician, pharmacy);
  }
  UnblindForAnalysis(study_id, clinician, admin, analytics);

  // The outcome, and the trial pooled with the seeds' meta-analysis.
  av1::ComputeStudyOutcomesRequest outcome;
  outcome.set_study_id(study_id);
  outcome.set_outcome(av1::RESPONDERS_30_PERCENT);
  outcome.set_treatment_arm_id("ketamine");
  outcome.set_control_arm_id("placebo");
  const auto responders =
      OrDie(analytics.ComputeStudyOutcomes(outcome), "ComputeStudyOutcomes");
  for (const auto& arm : responders.arms()) {
    if (arm.dose_band() != "all") continue;
    std::printf("responders (>= 30%% at 1 month): %-9s %ld / %ld\n",
                arm.arm_id().c_str(), static_cast<long>(arm.events()),
                static_cast<long>(arm.n()));
  }
  outcome.set_outcome(av1::PAIN_CHANGE_FOLLOW_UP);
  const auto change =
      OrDie(analytics.ComputeStudyOutcomes(outcome), "ComputeStudyOutcomes");
  for (const auto& arm : change.arms()) {
    std::printf("pain change at 1 month: %-9s %-16s n %ld mean %.2f SD %.2f\n",
                arm.arm_id().c_str(), arm.dose_band().c_str(),
                static_cast<long>(arm.n()), arm.mean(), arm.sd());
  }
  av1::RenderForestPlotRequest forest;
  av1::RunMetaAnalysisRequest* meta = forest.mutable_analysis();
  // Seed 002: 16 RCTs, 1,080 patients, RevMan 5.4.1: MD -1.05 (95% CI -1.72 to
  // -0.39), entered as a generic inverse-variance row (SE from the CI).
  av1::StudyData* published = meta->add_studies();
  published->set_study("Published meta-analysis (16 RCTs, seed 002)");
  published->mutable_generic()->set_estimate(-1.05);
  published->mutable_generic()->set_se((-0.39 - -1.72) /
                                       (2 * 1.959963984540054));
  av1::LoggedStudyRef* logged = meta->add_logged_studies();
  logged->set_study_id(study_id);
  logged->set_treatment_arm_id("ketamine");
  logged->set_control_arm_id("placebo");
  logged->set_outcome(av1::PAIN_CHANGE_FOLLOW_UP);
  meta->mutable_options()->set_measure(av1::MD);
  meta->mutable_options()->set_model(av1::RANDOM_EFFECTS);
  forest.set_title("Pain (NRS) change: IV ketamine vs placebo");
  forest.set_treatment_label("Favours ketamine");
  forest.set_control_label("Favours placebo");
  const auto rendered =
      OrDie(analytics.RenderForestPlot(forest), "RenderForestPlot");
  const auto& r = rendered.result().overall();
  for (const auto& row : rendered.result().studies()) {
    std::printf("  %-46s MD %6.2f [%6.2f, %6.2f]  weight %5.1f%%\n",
                row.study().c_str(), row.estimate(), row.ci_lower(),
                row.ci_upper(), row.weight_percent());
  }
  std::printf(
      "pooled (random effects, DL, RevMan 5 convention): MD %.2f [%.2f, %.2f], "
      "p = %.3g, I2 = %.0f%%\n",
      r.estimate(), r.ci_lower(), r.ci_upper(), r.p_value(), r.i2());
  const std::string svg = out_dir + "/forest.svg";
  std::ofstream(svg) << rendered.svg();
  kip::demo::PrintDoseResponse(analytics, study_id,
                               out_dir + "/dose-response.svg");
  kip::demo::CloseTrial(study_id, out_dir, absl::GetFlag(FLAGS_sessions),
                        absl::GetFlag(FLAGS_investigator_token),
                        absl::GetFlag(FLAGS_admin_token));
  kip::demo::PrintCqiTable(analytics, study_id, out_dir + "/cqi.svg");
  std::printf("forest plot: %s\noutbox: %s\nstudy: %s (synthetic data)\n",
              svg.c_str(), (out_dir + "/pump-outbox.db").c_str(),
              study_id.c_str());
  return 0;
}
