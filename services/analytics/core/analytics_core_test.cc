// The analytics core without servers: a logged study read through a fake
// LoggedStudySource becomes a pooled row beside a published one; the caller's
// token reaches the source; a missing source or a failed read is named.
#include "services/analytics/core/analytics_core.h"

#include <cmath>

#include "gmock/gmock.h"

namespace kip::analytics {
namespace {

namespace sv1 = kip::sessions::v1;

// Three patients per arm, each one session with a baseline and an end score.
class FakeStudy : public LoggedStudySource {
 public:
  absl::StatusOr<std::vector<outcomes::LoggedPatient>> ReadStudy(
      const std::string& study_id, const std::string& token) const override {
    tokens.push_back(token);
    if (study_id != "S1") return absl::NotFoundError("study S1 only");
    std::vector<outcomes::LoggedPatient> patients;
    const std::vector<std::pair<std::string, double>> ends = {
        {"ketamine", 4}, {"ketamine", 3}, {"ketamine", 5},
        {"placebo", 6},  {"placebo", 7},  {"placebo", 5}};
    for (size_t i = 0; i < ends.size(); ++i) {
      outcomes::LoggedPatient p;
      p.patient.set_patient_id("P" + std::to_string(i));
      p.patient.set_arm_id(ends[i].first);
      p.patient.set_baseline_weight_kg(70);
      p.patient.set_baseline_pain_nrs(7);
      sv1::GetSessionResponse session;
      for (const auto& [timepoint, nrs] :
           {std::make_pair(sv1::BASELINE, 7.0),
            std::make_pair(sv1::END, ends[i].second)}) {
        sv1::Event* e = session.add_events();
        e->mutable_device_time()->set_seconds(1'700'000'000 +
                                              (timepoint == sv1::END) * 3600);
        e->mutable_pain_score()->set_nrs(nrs);
        e->mutable_pain_score()->set_timepoint(timepoint);
      }
      p.sessions.push_back(session);
      patients.push_back(p);
    }
    return patients;
  }
  mutable std::vector<std::string> tokens;
};

v1::RunMetaAnalysisRequest LoggedBesidePublished() {
  v1::RunMetaAnalysisRequest request;
  request.mutable_options()->set_measure(v1::MD);
  request.mutable_options()->set_model(v1::FIXED_EFFECT);
  v1::LoggedStudyRef* ref = request.add_logged_studies();
  ref->set_study_id("S1");
  ref->set_treatment_arm_id("ketamine");
  ref->set_control_arm_id("placebo");
  ref->set_outcome(v1::PAIN_CHANGE_END_OF_COURSE);
  v1::StudyData* published = request.add_studies();
  published->set_study("Published");
  published->mutable_generic()->set_estimate(-1);
  published->mutable_generic()->set_se(0.5);
  return request;
}

TEST(AnalyticsCoreTest, ALoggedStudyPoolsBesideAPublishedOne) {
  FakeStudy study;
  const AnalyticsCore core(&study);
  absl::StatusOr<v1::RunMetaAnalysisResponse> r =
      core.MetaAnalysis(LoggedBesidePublished(), "researcher-token");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(study.tokens, ::testing::ElementsAre("researcher-token"));
  ASSERT_EQ(r->studies_size(), 2);
  // Ketamine changes -3, -4, -2; placebo -1, 0, -2: MD -2, SE sqrt(2/3).
  const v1::StudyRow& logged = r->studies(1);
  EXPECT_EQ(logged.study(), "S1 (logged)");
  EXPECT_NEAR(logged.estimate(), -2, 1e-12);
  EXPECT_NEAR(logged.se(), std::sqrt(2.0 / 3), 1e-12);
  // Fixed effect: weights 1/0.25 and 1.5.
  EXPECT_NEAR(r->overall().estimate(), (-1 * 4 + -2 * 1.5) / 5.5, 1e-12);
}

TEST(AnalyticsCoreTest, WithoutASourceOrAStudyTheCallerIsTold) {
  const AnalyticsCore without(nullptr);
  EXPECT_EQ(without.MetaAnalysis(LoggedBesidePublished(), "t").status().code(),
            absl::StatusCode::kUnavailable);
  FakeStudy study;
  const AnalyticsCore core(&study);
  v1::RunMetaAnalysisRequest unknown = LoggedBesidePublished();
  unknown.mutable_logged_studies(0)->set_study_id("S9");
  const absl::Status status = core.MetaAnalysis(unknown, "t").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(status.message()),
              ::testing::HasSubstr("logged_studies[0]"));
}

// Ketamine patients at three infusion rates (two per default dose band),
// placebo without infusion; each session: baseline 7, the rate for an hour,
// then the end score.
class DoseStudy : public LoggedStudySource {
 public:
  absl::StatusOr<std::vector<outcomes::LoggedPatient>> ReadStudy(
      const std::string&, const std::string&) const override {
    struct Row {
      const char* arm;
      double rate_mg_per_kg_per_h, end_nrs;
    };
    const Row rows[] = {
        {"ketamine", 0.2, 3}, {"ketamine", 0.3, 4}, {"ketamine", 0.6, 4},
        {"ketamine", 0.8, 5}, {"ketamine", 1.2, 5}, {"ketamine", 1.5, 6},
        {"placebo", 0, 6},    {"placebo", 0, 7},    {"placebo", 0, 5}};
    std::vector<outcomes::LoggedPatient> patients;
    for (const Row& row : rows) {
      outcomes::LoggedPatient p;
      p.patient.set_arm_id(row.arm);
      p.patient.set_baseline_weight_kg(70);
      p.patient.set_baseline_pain_nrs(7);
      sv1::GetSessionResponse session;
      const int64_t t0 = 1'700'000'000;
      auto add = [&](int64_t at) {
        sv1::Event* e = session.add_events();
        e->mutable_device_time()->set_seconds(at);
        return e;
      };
      add(t0)->mutable_pain_score()->set_nrs(7);
      session.mutable_events(0)->mutable_pain_score()->set_timepoint(
          sv1::BASELINE);
      if (row.rate_mg_per_kg_per_h > 0) {
        add(t0 + 60)->mutable_infusion_started()->set_rate_mg_per_kg_per_h(
            row.rate_mg_per_kg_per_h);
        add(t0 + 3660)->mutable_infusion_stopped();
      }
      sv1::PainScore* end = add(t0 + 3700)->mutable_pain_score();
      end->set_nrs(row.end_nrs);
      end->set_timepoint(sv1::END);
      p.sessions.push_back(session);
      patients.push_back(p);
    }
    return patients;
  }
};

TEST(AnalyticsCoreTest, ALoggedTrialGivesADoseResponseOnTheDoseReceived) {
  DoseStudy study;
  const AnalyticsCore core(&study);
  v1::RunMetaRegressionRequest request;
  request.mutable_options()->set_measure(v1::MD);
  request.add_moderators("dose_mg_per_kg_per_h");
  request.set_bubble_plot(true);
  v1::LoggedStudyRef* ref = request.add_logged_studies();
  ref->set_study_id("DOSE-1");
  ref->set_treatment_arm_id("ketamine");
  ref->set_control_arm_id("placebo");
  ref->set_outcome(v1::PAIN_CHANGE_END_OF_COURSE);
  absl::StatusOr<v1::RunMetaRegressionResponse> r =
      core.MetaRegression(request, "researcher-token");
  ASSERT_TRUE(r.ok()) << r.status();
  // Three bands; the moderator is each band's mean rate received.
  ASSERT_EQ(r->points_size(), 3);
  std::vector<double> doses;
  for (const auto& p : r->points()) doses.push_back(p.moderator());
  EXPECT_THAT(doses, ::testing::UnorderedElementsAre(
                         ::testing::DoubleNear(0.25, 1e-9),
                         ::testing::DoubleNear(0.7, 1e-9),
                         ::testing::DoubleNear(1.35, 1e-9)));
  // MDs -2.5, -1.5, -0.5 (band changes -3.5, -2.5, -1.5 against placebo's
  // -1), each with variance 0.5/2 + 1/3: equal weights whatever tau^2, so the
  // slope is least squares': Sxy / Sxx on the doses.
  const double mean_dose = (0.25 + 0.7 + 1.35) / 3;
  double sxx = 0, sxy = 0;
  const double dose[] = {0.25, 0.7, 1.35}, md[] = {-2.5, -1.5, -0.5};
  for (int i = 0; i < 3; ++i) {
    sxx += (dose[i] - mean_dose) * (dose[i] - mean_dose);
    sxy += (dose[i] - mean_dose) * (md[i] + 1.5);
  }
  ASSERT_EQ(r->coefficients_size(), 2);
  EXPECT_NEAR(r->coefficients(1).estimate(), sxy / sxx, 1e-9);
  EXPECT_NE(r->bubble_svg().find("dose_mg_per_kg_per_h"), std::string::npos);
}

}  // namespace
}  // namespace kip::analytics
