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
#include "sdk/examples/pump_sim/trial_run.h"

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
  kip::demo::Simulator sim{std::mt19937(absl::GetFlag(FLAGS_seed))};

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
    kip::demo::TrialRunOptions run;
    run.study_id = study_id;
    run.out_dir = out_dir;
    run.sessions_address = absl::GetFlag(FLAGS_sessions);
    run.device_token = absl::GetFlag(FLAGS_device_token);
    run.site = absl::GetFlag(FLAGS_site);
    run.patients = absl::GetFlag(FLAGS_patients);
    run.ondansetron_dose_mg = absl::GetFlag(FLAGS_ondansetron_dose_mg);
    kip::demo::LogTrial(run, sim, dosing, clinician, pharmacy);
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
