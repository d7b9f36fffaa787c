// A small trial logged in the real sessions service, read by the real
// analytics service as the calling researcher: per-arm pain change,
// responders, side effects and dose band, computed by hand below, and the
// logged study pooled with a published one in one RunMetaAnalysis request.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "kip/analytics/v1/analytics.grpc.pb.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "services/sessions/store/row_codec.h"
#include "tests/integration/cli_run.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace av1 = kip::analytics::v1;
namespace sv1 = kip::sessions::v1;
using ::kip::testing::ServerProcess;

// Ketamine: baseline 8, 7, 6 -> end 4, 5, 3 (changes -4, -2, -3: mean -3, SD 1;
// reductions 50%, 28.6%, 50%: 2 responders at 30%), 2 h at 35 mg/h for 70 kg
// = 0.5 mg/kg/h; nausea in the first two. Placebo: 7, 6, 8 -> 6, 6, 7
// (changes -1, 0, -1: mean -2/3, SD 0.57735; no responder, no nausea).
// Temporal summation at baseline: 3, 4, 2, 2.5, 0.5, 3.5 NRS points.
struct Case {
  const char* arm;
  double baseline, end;
  bool nausea;
  double temporal_summation;
};
const Case kCases[] = {
    {"ketamine", 8, 4, true, 3},   {"ketamine", 7, 5, true, 4},
    {"ketamine", 6, 3, false, 2},  {"placebo", 7, 6, false, 2.5},
    {"placebo", 6, 6, false, 0.5}, {"placebo", 8, 7, false, 3.5}};

class LoggedOutcomesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string key = auth_.PublicKeyFlag();
    auto sessions = ServerProcess::Start(
        "services/sessions/sessions_server",
        {key, absl::StrCat("--data_dir=", getenv("TEST_TMPDIR"), "/",
                           sessions::testing::NewUuid())},
        "sessions");
    ASSERT_TRUE(sessions.ok()) << sessions.status();
    sessions_ = std::make_unique<ServerProcess>(std::move(*sessions));
    auto analytics = ServerProcess::Start(
        "services/analytics/analytics_server",
        {key, "--sessions_address=" + sessions_->address()}, "analytics");
    ASSERT_TRUE(analytics.ok()) << analytics.status();
    analytics_ = std::make_unique<ServerProcess>(std::move(*analytics));
    Log();
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& role) {
    return auth_.Context(role);
  }

  void Log() {
    auto stub = sv1::SessionLogService::NewStub(grpc::CreateChannel(
        sessions_->address(), grpc::InsecureChannelCredentials()));
    sv1::CreateStudyRequest study;
    *study.mutable_study() = sessions::testing::MakeStudy("T1");
    sv1::CreateStudyResponse created;
    ASSERT_TRUE(stub->CreateStudy(As("clinician").get(), study, &created).ok());
    const absl::Time t0 = absl::Now() - absl::Hours(48);
    int i = 0;
    for (const Case& c : kCases) {
      const std::string patient_id = absl::StrCat("P", ++i);
      sv1::EnrollPatientRequest enroll;
      *enroll.mutable_patient() =
          sessions::testing::MakePatient("T1", patient_id);
      enroll.mutable_patient()->set_arm_id(c.arm);
      enroll.mutable_patient()->set_baseline_pain_nrs(c.baseline);
      enroll.mutable_patient()->set_temporal_summation_nrs(
          c.temporal_summation);
      enroll.mutable_patient()->clear_conditioned_pain_modulation_nrs();
      sv1::EnrollPatientResponse enrolled;
      ASSERT_TRUE(
          stub->EnrollPatient(As("clinician").get(), enroll, &enrolled).ok());
      sv1::StartSessionRequest start;
      *start.mutable_session() =
          sessions::testing::MakeSession("T1", patient_id);
      *start.mutable_session()->mutable_start_time() =
          sessions::ToTimestamp(t0);
      sv1::StartSessionResponse started;
      ASSERT_TRUE(stub->StartSession(As("device").get(), start, &started).ok());
      const std::string sid = started.session().session_id();
      sv1::AppendEventsRequest append;
      auto add = [&](absl::Duration at) {
        sv1::Event* e = append.add_events();
        e->set_event_id(sessions::testing::NewUuid());
        e->set_session_id(sid);
        *e->mutable_device_time() = sessions::ToTimestamp(t0 + at);
        return e;
      };
      add(absl::ZeroDuration())->mutable_pain_score()->set_nrs(c.baseline);
      append.mutable_events(0)->mutable_pain_score()->set_timepoint(
          sv1::BASELINE);
      if (std::string(c.arm) == "ketamine") {
        auto* started_event = add(absl::Minutes(1))->mutable_infusion_started();
        started_event->set_rate_mg_per_h(35);
        started_event->set_concentration_mg_per_ml(1);
        add(absl::Minutes(121))->mutable_infusion_stopped()->set_reason("end");
      }
      if (c.nausea) {
        auto* nausea = add(absl::Minutes(60))->mutable_side_effect();
        nausea->set_type(sv1::NAUSEA);
        nausea->set_severity(sv1::MILD);
      }
      auto* end = add(absl::Minutes(130))->mutable_pain_score();
      end->set_nrs(c.end);
      end->set_timepoint(sv1::END);
      sv1::AppendEventsResponse acks;
      grpc::Status status =
          stub->AppendEvents(As("device").get(), append, &acks);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  av1::ComputeStudyOutcomesResponse Outcomes(
      av1::OutcomeKind kind, const std::string& side_effect = "") {
    auto stub = av1::AnalyticsService::NewStub(grpc::CreateChannel(
        analytics_->address(), grpc::InsecureChannelCredentials()));
    av1::ComputeStudyOutcomesRequest request;
    request.set_study_id("T1");
    request.set_outcome(kind);
    request.set_side_effect_type(side_effect);
    request.set_treatment_arm_id("ketamine");
    request.set_control_arm_id("placebo");
    av1::ComputeStudyOutcomesResponse response;
    grpc::Status status =
        stub->ComputeStudyOutcomes(As("researcher").get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static const av1::ArmOutcome* Arm(const av1::ComputeStudyOutcomesResponse& r,
                                    const std::string& arm,
                                    const std::string& band) {
    for (const auto& a : r.arms()) {
      if (a.arm_id() == arm && a.dose_band() == band) return &a;
    }
    return nullptr;
  }

  const testing::TestAuth auth_;
  std::unique_ptr<ServerProcess> sessions_, analytics_;
};

TEST_F(LoggedOutcomesTest, PainChangeRespondersSideEffectsAndDoseBands) {
  auto pain = Outcomes(av1::PAIN_CHANGE_END_OF_COURSE);
  const av1::ArmOutcome* ketamine = Arm(pain, "ketamine", "all");
  const av1::ArmOutcome* placebo = Arm(pain, "placebo", "all");
  ASSERT_NE(ketamine, nullptr);
  ASSERT_NE(placebo, nullptr);
  EXPECT_EQ(ketamine->n(), 3);
  EXPECT_NEAR(ketamine->mean(), -3, 1e-12);
  EXPECT_NEAR(ketamine->sd(), 1, 1e-12);
  EXPECT_NEAR(ketamine->mean_dose_mg_per_kg(), 0.5, 1e-9);
  EXPECT_NEAR(placebo->mean(), -2.0 / 3, 1e-12);
  EXPECT_NEAR(placebo->sd(), std::sqrt(1.0 / 3), 1e-12);
  const av1::ArmOutcome* band = Arm(pain, "ketamine", "0.5-1 mg/kg/h");
  ASSERT_NE(band, nullptr);
  EXPECT_EQ(band->n(), 3);
  ASSERT_EQ(pain.rows_size(), 1);
  EXPECT_EQ(pain.rows(0).continuous().n_control(), 3);

  auto responders = Outcomes(av1::RESPONDERS_30_PERCENT);
  EXPECT_EQ(Arm(responders, "ketamine", "all")->events(), 2);
  EXPECT_EQ(Arm(responders, "placebo", "all")->events(), 0);
  auto nausea = Outcomes(av1::SIDE_EFFECT, "nausea");
  EXPECT_EQ(Arm(nausea, "ketamine", "all")->events(), 2);
  EXPECT_EQ(Arm(nausea, "placebo", "all")->n(), 3);
}

// Responders at 30% (P1, P3) against temporal summation, all arms:
// R 4.2.2 glm(y ~ x, family=binomial, control=glm.control(epsilon=1e-15)):
// OR 0.908098717331 per NRS point (95% CI 0.205581411323 to 4.01127356365),
// p 0.89878859569.
TEST_F(LoggedOutcomesTest, BaselineTemporalSummationAgainstResponse) {
  auto stub = av1::AnalyticsService::NewStub(grpc::CreateChannel(
      analytics_->address(), grpc::InsecureChannelCredentials()));
  av1::AnalyzeBaselinePredictorsRequest request;
  request.set_study_id("T1");
  av1::AnalyzeBaselinePredictorsResponse response;
  grpc::Status status = stub->AnalyzeBaselinePredictors(As("researcher").get(),
                                                        request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.n(), 6);
  EXPECT_EQ(response.responders(), 2);
  ASSERT_EQ(response.predictors_size(), 1);
  EXPECT_EQ(response.predictors(0).predictor(), "temporal_summation_nrs");
  EXPECT_NEAR(response.predictors(0).odds_ratio(), 0.908098717331, 1e-9);
  EXPECT_NEAR(response.predictors(0).ci_lower(), 0.205581411323, 1e-9);
  EXPECT_NEAR(response.predictors(0).ci_upper(), 4.01127356365, 1e-8);
  EXPECT_NEAR(response.predictors(0).p_value(), 0.89878859569, 1e-9);
}

TEST_F(LoggedOutcomesTest, ALoggedStudyPoolsWithAPublishedOne) {
  auto stub = av1::AnalyticsService::NewStub(grpc::CreateChannel(
      analytics_->address(), grpc::InsecureChannelCredentials()));
  av1::RunMetaAnalysisRequest request;
  av1::StudyData* published = request.add_studies();
  published->set_study("published");
  auto* c = published->mutable_continuous();
  c->set_mean_treatment(-2.5);
  c->set_sd_treatment(1.5);
  c->set_n_treatment(20);
  c->set_mean_control(-1);
  c->set_sd_control(1.5);
  c->set_n_control(20);
  av1::LoggedStudyRef* logged = request.add_logged_studies();
  logged->set_study_id("T1");
  logged->set_treatment_arm_id("ketamine");
  logged->set_control_arm_id("placebo");
  logged->set_outcome(av1::PAIN_CHANGE_END_OF_COURSE);
  request.mutable_options()->set_measure(av1::MD);
  request.mutable_options()->set_model(av1::FIXED_EFFECT);
  av1::RunMetaAnalysisResponse response;
  grpc::Status status =
      stub->RunMetaAnalysis(As("researcher").get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.studies_size(), 2);
  EXPECT_EQ(response.studies(1).study(), "T1 (logged)");
  // The logged MD: -3 - (-2/3) = -2.3333.
  EXPECT_NEAR(response.studies(1).estimate(), -3 + 2.0 / 3, 1e-9);
  EXPECT_EQ(response.overall().k(), 2);
  // Devices do not read trials.
  EXPECT_EQ(stub->RunMetaAnalysis(As("device").get(), request, &response)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(LoggedOutcomesTest, KipctlOutcomesPrintsTheArmsAndTheRowsToPool) {
  const std::string token = auth_.Token("researcher");
  auto kipctl = [&](const std::string& args) {
    return testing::RunCli(absl::StrCat("sdk/kipctl/kipctl --token=", token,
                                        " --analytics=", analytics_->address(),
                                        " analytics outcomes ", args));
  };
  testing::CliRun run = kipctl(
      "--study T1 --outcome pain-change-end-of-course --treatment-arm "
      "ketamine --control-arm placebo --json");
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const nlohmann::json out = nlohmann::json::parse(run.out);
  EXPECT_EQ(out["outcome"], "PAIN_CHANGE_END_OF_COURSE");
  bool found = false;
  for (const auto& arm : out["arms"]) {
    if (arm["arm_id"] == "ketamine" && arm["dose_band"] == "all") {
      found = true;
      EXPECT_EQ(arm["n"], 3);
      EXPECT_NEAR(arm["mean"].get<double>(), -3, 1e-12);  // by hand, above
      EXPECT_NEAR(arm["sd"].get<double>(), 1, 1e-12);
    }
  }
  EXPECT_TRUE(found) << run.out;
  ASSERT_EQ(out["rows"].size(), 1u);
  // Rows in protobuf's JSON mapping (int64 as a string), as the API takes them.
  EXPECT_EQ(out["rows"][0]["continuous"]["n_control"], "3");

  run = kipctl("--study T1 --outcome responders-30-percent");
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("RESPONDERS_30_PERCENT"), std::string::npos);
  EXPECT_NE(run.out.find("ketamine"), std::string::npos) << run.out;

  run = kipctl("--study T1 --outcome happiness");
  EXPECT_EQ(run.exit_status, 2);
  EXPECT_NE(run.err.find("--outcome"), std::string::npos) << run.err;
  run = kipctl("--outcome responders-30-percent");
  EXPECT_EQ(run.exit_status, 2);
  EXPECT_NE(run.err.find("--study"), std::string::npos) << run.err;
  run = kipctl("--study NO-SUCH-STUDY");
  EXPECT_NE(run.exit_status, 0);
  EXPECT_NE(run.err.find("NO-SUCH-STUDY"), std::string::npos) << run.err;
  run = kipctl("--study T1 --follow-up-day -3");
  EXPECT_EQ(run.exit_status, 2);
  EXPECT_NE(run.err.find("--follow-up-day"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace kip
