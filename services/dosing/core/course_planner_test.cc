// Each seed regimen planned for a 70 kg patient at 1 mg/mL, against
// arithmetic done by hand from the seed text.
#include "services/dosing/core/course_planner.h"

#include "gmock/gmock.h"
#include "services/dosing/core/test_library.h"

namespace kip::dosing {
namespace {

using testing::Patient;
using testing::ShippedLibrary;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

v1::PlanCourseResponse Plan(
    const std::string& protocol, double weight_kg = 70, double conc = 1,
    kip::common::v1::CareArea area = kip::common::v1::INPATIENT_WARD) {
  v1::PlanCourseRequest request;
  request.set_protocol_id(protocol);
  *request.mutable_patient() = Patient(weight_kg);
  request.set_concentration_mg_per_ml(conc);
  request.set_care_area(area);
  auto plan = PlanCourse(ShippedLibrary(), request, kStart);
  EXPECT_TRUE(plan.ok()) << plan.status();
  return plan.ok() ? *plan : v1::PlanCourseResponse();
}

TEST(CoursePlannerTest, Bosma2018) {
  // 0.5-2.0 mg/kg/h, 6 h/day, 5 consecutive days. Start 0.5 x 70 = 35 mg/h
  // (35 mL/h at 1 mg/mL); 35 x 6 = 210 mg planned; 2.0 x 70 = 140 mg/h max,
  // 140 x 6 = 840 mg per session; 5 x 840 = 4200 mg course maximum.
  const auto plan = Plan("bosma-2018");
  ASSERT_EQ(plan.sessions_size(), 5);
  for (int i = 0; i < 5; ++i) {
    const auto& s = plan.sessions(i);
    EXPECT_EQ(s.day(), i + 1);
    EXPECT_DOUBLE_EQ(s.duration_min(), 360);
    EXPECT_DOUBLE_EQ(s.steps(0).rate_mg_per_kg_per_h(), 0.5);
    EXPECT_DOUBLE_EQ(s.steps(0).rate_mg_per_h(), 35);
    EXPECT_DOUBLE_EQ(s.steps(0).rate_ml_per_h(), 35);
    EXPECT_DOUBLE_EQ(s.min_rate_mg_per_h(), 35);
    EXPECT_DOUBLE_EQ(s.max_rate_mg_per_h(), 140);
    EXPECT_DOUBLE_EQ(s.planned_total_mg(), 210);
    EXPECT_DOUBLE_EQ(s.max_total_mg(), 840);
    EXPECT_DOUBLE_EQ(s.planned_volume_ml(), 210);
  }
  EXPECT_DOUBLE_EQ(plan.course_max_total_mg(), 4200);
  EXPECT_EQ(plan.library().content_sha256(),
            ShippedLibrary().version().content_sha256());
  EXPECT_TRUE(plan.requires_clinical_signoff());
}

TEST(CoursePlannerTest, CrpsWeightBased) {
  // 0.35 mg/kg/h x 70 kg = 24.5 mg/h over 4 h = 98 mg; at 2 mg/mL 12.25 -> 12.2
  // mL/h.
  const auto plan = Plan("crps-0.35mgkg-4h", 70, 2);
  ASSERT_EQ(plan.sessions_size(), 1);
  EXPECT_DOUBLE_EQ(plan.sessions(0).steps(0).rate_mg_per_h(), 24.5);
  EXPECT_DOUBLE_EQ(plan.sessions(0).steps(0).rate_ml_per_h_exact(), 12.25);
  EXPECT_DOUBLE_EQ(plan.sessions(0).steps(0).rate_ml_per_h(), 12.2);
  EXPECT_DOUBLE_EQ(plan.sessions(0).planned_total_mg(), 98);
  EXPECT_DOUBLE_EQ(plan.sessions(0).planned_volume_ml(), 49);
}

TEST(CoursePlannerTest, CrpsFixedRate) {
  // 22 mg/h x 4 h = 88 mg, whatever the weight (22 / 70 = 0.3143 mg/kg/h).
  const auto plan = Plan("crps-22mgh-4h");
  EXPECT_DOUBLE_EQ(plan.sessions(0).steps(0).rate_mg_per_h(), 22);
  EXPECT_NEAR(plan.sessions(0).steps(0).rate_mg_per_kg_per_h(), 22.0 / 70,
              1e-12);
  EXPECT_DOUBLE_EQ(plan.sessions(0).planned_total_mg(), 88);
}

TEST(CoursePlannerTest, Fixed80MgOver5Hours) {
  // 80 mg / 5 h = 16 mg/h; 16 mL/h at 1 mg/mL; 80 mg, 80 mL.
  const auto plan = Plan("fixed-80mg-5h");
  EXPECT_DOUBLE_EQ(plan.sessions(0).steps(0).rate_mg_per_h(), 16);
  EXPECT_DOUBLE_EQ(plan.sessions(0).duration_min(), 300);
  EXPECT_DOUBLE_EQ(plan.sessions(0).planned_total_mg(), 80);
  EXPECT_DOUBLE_EQ(plan.sessions(0).planned_volume_ml(), 80);
}

TEST(CoursePlannerTest, GuidelineInitial80Mg) {
  // 80 mg over a minimum of 2 h: at most 80 / 2 = 40 mg/h.
  const auto plan = Plan("guideline-initial-80mg");
  EXPECT_DOUBLE_EQ(plan.sessions(0).steps(0).rate_mg_per_h(), 40);
  EXPECT_DOUBLE_EQ(plan.sessions(0).duration_min(), 120);
  EXPECT_DOUBLE_EQ(plan.sessions(0).planned_total_mg(), 80);
  EXPECT_DOUBLE_EQ(plan.sessions(0).max_rate_mg_per_h(), 40);
}

TEST(CoursePlannerTest, Loading05MgPerKgOver30Minutes) {
  // 0.5 mg/kg x 70 kg = 35 mg over 0.5 h = 70 mg/h = 1.0 mg/kg/h.
  const auto plan = Plan("loading-0.5mgkg-30min");
  EXPECT_DOUBLE_EQ(plan.sessions(0).steps(0).rate_mg_per_h(), 70);
  EXPECT_DOUBLE_EQ(plan.sessions(0).steps(0).rate_mg_per_kg_per_h(), 1.0);
  EXPECT_DOUBLE_EQ(plan.sessions(0).duration_min(), 30);
  EXPECT_DOUBLE_EQ(plan.sessions(0).planned_total_mg(), 35);
}

TEST(CoursePlannerTest, Continuous20To30MgPerHourFor100Hours) {
  // 20 mg/h x 100 h = 2000 mg planned; 30 x 100 = 3000 mg maximum.
  const auto plan = Plan("continuous-20-30mgh-100h");
  EXPECT_DOUBLE_EQ(plan.sessions(0).duration_min(), 6000);
  EXPECT_DOUBLE_EQ(plan.sessions(0).planned_total_mg(), 2000);
  EXPECT_DOUBLE_EQ(plan.sessions(0).max_total_mg(), 3000);
  EXPECT_DOUBLE_EQ(plan.course_max_total_mg(), 3000);
}

TEST(CoursePlannerTest, Daily4HoursFor10Days) {
  // 0.35 x 70 = 24.5 mg/h x 4 h = 98 mg a day, days 1..10, 980 mg course.
  const auto plan = Plan("daily-4h-10d");
  ASSERT_EQ(plan.sessions_size(), 10);
  EXPECT_EQ(plan.sessions(9).day(), 10);
  double total = 0;
  for (const auto& s : plan.sessions()) total += s.planned_total_mg();
  EXPECT_DOUBLE_EQ(total, 980);
  EXPECT_DOUBLE_EQ(plan.course_max_total_mg(), 980);
}

TEST(CoursePlannerTest, CurveAndWarnings) {
  const auto plan = Plan("bosma-2018");
  EXPECT_EQ(plan.pk_model(), v1::DOMINO);
  ASSERT_GT(plan.pk_curve_size(), 20);
  EXPECT_DOUBLE_EQ(plan.pk_curve(0).plasma_ng_per_ml(), 0);
  bool mentions_signoff = false, mentions_step = false;
  for (const auto& w : plan.warnings()) {
    mentions_signoff |= w.find("sign-off") != std::string::npos;
    mentions_step |= w.find("titration step") != std::string::npos;
  }
  EXPECT_TRUE(mentions_signoff);
  EXPECT_TRUE(mentions_step);
}

TEST(CoursePlannerTest, ImplausibleWeightIsRefused) {
  v1::PlanCourseRequest request;
  request.set_protocol_id("bosma-2018");
  *request.mutable_patient() = Patient(350);
  request.set_concentration_mg_per_ml(1);
  request.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
  auto plan = PlanCourse(ShippedLibrary(), request, kStart);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(plan.status().message()),
              ::testing::HasSubstr("patient.weight_kg"));
}

}  // namespace
}  // namespace kip::dosing
