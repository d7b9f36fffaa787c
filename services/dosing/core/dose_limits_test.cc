// The weight rule of issue #12, by hand-computed cases: the drug library's
// per-kg bounds hold on the stricter of actual and dosing weight.
#include "services/dosing/core/dose_limits.h"

#include "gmock/gmock.h"
#include "services/dosing/core/course_planner.h"
#include "services/dosing/core/program_check.h"
#include "services/dosing/core/test_library.h"
#include "services/dosing/core/titration.h"

namespace kip::dosing {
namespace {

using kip::common::v1::ADJUSTED;
using kip::common::v1::CareArea;
using kip::common::v1::ICU;
using kip::common::v1::IDEAL;
using kip::common::v1::OUTPATIENT_PAIN;
using kip::common::v1::WeightBasis;
using ::testing::HasSubstr;
using testing::ShippedLibrary;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

// Issue #12's patient: a 40 kg, 190 cm man. Devine IBW = 50 + 2.3 x (190 -
// 152.4) / 2.54 = 84.047 kg; adjusted = 84.047 + 0.4 x (40 - 84.047) =
// 66.428 kg.
v1::PatientDosingInput TallThinMan(WeightBasis basis) {
  v1::PatientDosingInput patient;
  patient.set_weight_kg(40);
  patient.set_height_cm(190);
  patient.set_sex(kip::common::v1::MALE);
  patient.set_weight_basis(basis);
  return patient;
}

// A 150 kg, 160 cm woman: IBW = 45.5 + 2.3 x 7.6 / 2.54 = 52.382 kg.
v1::PatientDosingInput ShortHeavyWoman(WeightBasis basis) {
  v1::PatientDosingInput patient;
  patient.set_weight_kg(150);
  patient.set_height_cm(160);
  patient.set_sex(kip::common::v1::FEMALE);
  patient.set_weight_basis(basis);
  return patient;
}

v1::ValidateProgramRequest Program(const v1::PatientDosingInput& patient,
                                   double rate_mg_per_h, double bolus_mg = 0,
                                   CareArea area = OUTPATIENT_PAIN) {
  v1::ValidateProgramRequest request;
  request.set_protocol_id("bosma-2018");
  *request.mutable_patient() = patient;
  request.set_concentration_mg_per_ml(2);
  request.set_care_area(area);
  request.mutable_program()->set_rate_mg_per_h(rate_mg_per_h);
  request.mutable_program()->set_duration_min(360);
  request.mutable_program()->set_bolus_mg(bolus_mg);
  request.mutable_override()->set_clinician_id("C1");
  request.mutable_override()->set_reason_text("clinician's choice");
  return request;
}

const v1::Violation* Find(const v1::ValidateProgramResponse& response,
                          const std::string& limit) {
  for (const auto& v : response.violations()) {
    if (v.limit() == limit) return &v;
  }
  return nullptr;
}

v1::ValidateProgramResponse Check(const v1::ValidateProgramRequest& request,
                                  CumulativeDoseSource* doses = nullptr) {
  auto response = ValidateProgram(ShippedLibrary(), request, doses, kNow);
  EXPECT_TRUE(response.ok()) << response.status();
  return response.ok() ? *response : v1::ValidateProgramResponse();
}

TEST(DoseLimitsTest, ToleranceIsRelativeAndTheOnlyOne) {
  EXPECT_FALSE(Exceeds(0.35 * 70 / 70, 0.35));
  EXPECT_FALSE(Exceeds(2.0 * 84.047 / 84.047, 2.0));
  EXPECT_TRUE(Exceeds(2.000001, 2.0));
  EXPECT_FALSE(FallsBelow(0.5 * 66.4 / 66.4, 0.5));
  EXPECT_TRUE(FallsBelow(0.499999, 0.5));
  EXPECT_TRUE(Exceeds(1e-6, 0));
}

TEST(DoseLimitsTest, IdealWeightDoesNotRaiseTheHardRateAboveTheActualBody) {
  // 168 mg/h = 2 mg/kg/h of the ideal 84 kg but 4.2 mg/kg/h of 40 kg actual.
  for (WeightBasis basis : {IDEAL, ADJUSTED}) {
    auto response = Check(Program(TallThinMan(basis), 168));
    EXPECT_EQ(response.verdict(), v1::HARD_LIMIT) << WeightBasis_Name(basis);
    EXPECT_FALSE(response.approved());
    const v1::Violation* rate =
        Find(response, "drug_library.continuous_rate_max");
    ASSERT_NE(rate, nullptr);
    EXPECT_DOUBLE_EQ(rate->value(), 4.2);
    EXPECT_DOUBLE_EQ(rate->bound(), 2.0);
    EXPECT_DOUBLE_EQ(rate->weight().kg(), 40);
    EXPECT_EQ(rate->weight().basis(), kip::common::v1::ACTUAL);
    EXPECT_DOUBLE_EQ(response.hard_limit_weight().kg(), 40);
  }
  // 80 mg/h = 2 mg/kg/h x 40 kg is the most that passes.
  EXPECT_TRUE(Check(Program(TallThinMan(IDEAL), 80)).approved());
  EXPECT_FALSE(Check(Program(TallThinMan(IDEAL), 80.1)).approved());
}

TEST(DoseLimitsTest, InIcuTheSevenMgPerKgLimitHoldsOnTheActualBody) {
  // 7 mg/kg/h x 40 kg = 280 mg/h; 7 x 84.047 would be 588 mg/h.
  EXPECT_TRUE(Check(Program(TallThinMan(IDEAL), 280, 0, ICU)).approved());
  auto response = Check(Program(TallThinMan(IDEAL), 300, 0, ICU));
  EXPECT_EQ(response.verdict(), v1::HARD_LIMIT);
  EXPECT_DOUBLE_EQ(Find(response, "drug_library.continuous_rate_max")->bound(),
                   7.0);
}

TEST(DoseLimitsTest, IdealWeightLowersTheHardRateOfAHeavyPatient) {
  // 2 mg/kg/h x 52.382 kg (ideal, the stricter) = 104.76 mg/h, not 300.
  auto response = Check(Program(ShortHeavyWoman(IDEAL), 110));
  EXPECT_EQ(response.verdict(), v1::HARD_LIMIT);
  const v1::Violation* rate =
      Find(response, "drug_library.continuous_rate_max");
  ASSERT_NE(rate, nullptr);
  EXPECT_NEAR(rate->weight().kg(), 52.382, 1e-3);
  EXPECT_EQ(rate->weight().basis(), IDEAL);
  EXPECT_TRUE(Check(Program(ShortHeavyWoman(IDEAL), 104.7)).approved());
}

TEST(DoseLimitsTest, BolusAndTotalsHoldOnTheStricterWeight) {
  // Bolus: 0.35 mg/kg x 40 kg = 14 mg (29.4 mg on the ideal weight).
  auto bolus = Check(Program(TallThinMan(IDEAL), 60, 20));
  const v1::Violation* v = Find(bolus, "drug_library.bolus_max");
  ASSERT_NE(v, nullptr);
  EXPECT_DOUBLE_EQ(v->value(), 0.5);  // 20 mg / 40 kg
  EXPECT_DOUBLE_EQ(v->weight().kg(), 40);
  EXPECT_FALSE(bolus.approved());

  // Session total: 2 mg/kg/h x 40 kg x 6 h = 480 mg; 80 mg/h x 6 h with 10 mg
  // already received is 490 mg.
  class TenMgReceived : public CumulativeDoseSource {
   public:
    absl::StatusOr<v1::CumulativeDose> AlreadyReceived(const std::string&,
                                                       const std::string&,
                                                       absl::Time) override {
      v1::CumulativeDose dose;
      dose.set_session_mg(10);
      dose.set_last_24h_mg(10);
      dose.set_course_mg(10);
      return dose;
    }
  } doses;
  auto request = Program(TallThinMan(ADJUSTED), 80);
  request.set_session_id("S1");
  auto totals = Check(request, &doses);
  const v1::Violation* session = Find(totals, "drug_library.session_total_max");
  ASSERT_NE(session, nullptr);
  EXPECT_DOUBLE_EQ(session->value(), 490);
  EXPECT_DOUBLE_EQ(session->bound(), 480);
  EXPECT_DOUBLE_EQ(session->weight().kg(), 40);
  EXPECT_FALSE(totals.approved());
}

TEST(DoseLimitsTest, ProtocolBoundsStayOnTheDosingWeight) {
  // bosma-2018 on ideal 84.047 kg: 0.5 mg/kg/h = 42.02 mg/h is the minimum.
  auto response = Check(Program(TallThinMan(IDEAL), 41));
  const v1::Violation* min = Find(response, "protocol.rate_min");
  ASSERT_NE(min, nullptr);
  EXPECT_NEAR(min->weight().kg(), 84.047, 1e-3);
  EXPECT_EQ(min->weight().basis(), IDEAL);
  EXPECT_EQ(response.verdict(), v1::SOFT_LIMIT);
}

TEST(DoseLimitsTest, ThePlanAndTitrationUseTheSameCap) {
  v1::PlanCourseRequest plan_request;
  plan_request.set_protocol_id("bosma-2018");
  *plan_request.mutable_patient() = TallThinMan(IDEAL);
  plan_request.set_concentration_mg_per_ml(2);
  plan_request.set_care_area(OUTPATIENT_PAIN);
  auto plan = PlanCourse(ShippedLibrary(), plan_request, kNow);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_DOUBLE_EQ(plan->sessions(0).max_rate_mg_per_h(), 80);
  EXPECT_DOUBLE_EQ(plan->hard_limit_weight().kg(), 40);
  EXPECT_DOUBLE_EQ(plan->hard_rate_max_mg_per_h(), 80);

  v1::ProposeTitrationRequest titrate;
  titrate.set_protocol_id("bosma-2018");
  *titrate.mutable_patient() = TallThinMan(IDEAL);
  titrate.set_care_area(OUTPATIENT_PAIN);
  titrate.set_current_rate_mg_per_h(168);
  auto refused = ProposeTitration(ShippedLibrary(), titrate);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("actual 40.0 kg"));
  titrate.set_current_rate_mg_per_h(80);
  titrate.mutable_observations()->add_side_effects("nausea");
  auto proposal = ProposeTitration(ShippedLibrary(), titrate);
  ASSERT_TRUE(proposal.ok()) << proposal.status();
  EXPECT_DOUBLE_EQ(proposal->max_rate_mg_per_h(), 80);
}

TEST(DoseLimitsTest, ACareAreaRefusalNamesTheAreasTheProtocolAllows) {
  v1::PlanCourseRequest request;
  request.set_protocol_id("continuous-20-30mgh-100h");
  request.mutable_patient()->set_weight_kg(70);
  request.set_concentration_mg_per_ml(1);
  request.set_care_area(OUTPATIENT_PAIN);
  auto plan = PlanCourse(ShippedLibrary(), request, kNow);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(plan.status().message(),
              HasSubstr("it runs in INPATIENT_WARD, ICU"));
}

}  // namespace
}  // namespace kip::dosing
