#include "services/dosing/core/program_check.h"

#include "gmock/gmock.h"
#include "services/dosing/core/test_library.h"

namespace kip::dosing {
namespace {

using ::testing::HasSubstr;
using testing::Patient;
using testing::ShippedLibrary;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

class FakeDoses : public CumulativeDoseSource {
 public:
  absl::StatusOr<v1::CumulativeDose> AlreadyReceived(const std::string&,
                                                     const std::string&,
                                                     absl::Time) override {
    ++calls;
    return answer;
  }
  absl::StatusOr<v1::CumulativeDose> answer = v1::CumulativeDose();
  int calls = 0;
};

// bosma-2018 (0.5-2.0 mg/kg/h, 6 h sessions) for a 70 kg patient at 1 mg/mL.
v1::ValidateProgramRequest Bosma(
    double rate_mg_per_h, double minutes = 360,
    kip::common::v1::CareArea area = kip::common::v1::OUTPATIENT_PAIN) {
  v1::ValidateProgramRequest request;
  request.set_protocol_id("bosma-2018");
  *request.mutable_patient() = Patient(70);
  request.set_concentration_mg_per_ml(1);
  request.set_care_area(area);
  request.mutable_program()->set_rate_mg_per_h(rate_mg_per_h);
  request.mutable_program()->set_duration_min(minutes);
  return request;
}

v1::ValidateProgramResponse Check(const v1::ValidateProgramRequest& request,
                                  CumulativeDoseSource* doses = nullptr) {
  auto response = ValidateProgram(ShippedLibrary(), request, doses, kNow);
  EXPECT_TRUE(response.ok()) << response.status();
  return response.ok() ? *response : v1::ValidateProgramResponse();
}

std::vector<std::string> Limits(const v1::ValidateProgramResponse& response) {
  std::vector<std::string> limits;
  for (const auto& v : response.violations()) limits.push_back(v.limit());
  return limits;
}

TEST(ProgramCheckTest, ProtocolRateBoundsAreSoft) {
  // 0.5 mg/kg/h x 70 kg = 35 mg/h; 2.0 x 70 = 140 mg/h.
  EXPECT_EQ(Check(Bosma(34.9)).verdict(), v1::SOFT_LIMIT);
  EXPECT_EQ(Check(Bosma(35)).verdict(), v1::OK);
  EXPECT_EQ(Check(Bosma(35.1)).verdict(), v1::OK);
  EXPECT_EQ(Check(Bosma(139.9)).verdict(), v1::OK);
  EXPECT_EQ(Check(Bosma(140)).verdict(), v1::OK);
  const auto below = Check(Bosma(21));  // 0.3 mg/kg/h
  ASSERT_EQ(below.violations_size(), 1);
  EXPECT_EQ(below.violations(0).limit(), "protocol.rate_min");
  EXPECT_NEAR(below.violations(0).value(), 0.3, 1e-12);
  EXPECT_EQ(below.violations(0).bound(), 0.5);
  EXPECT_EQ(below.violations(0).unit(), "mg/kg/h");
  EXPECT_FALSE(below.approved());
}

TEST(ProgramCheckTest, DrugLibraryRateBoundIsHardPerCareArea) {
  // Outside ICU 2.0 mg/kg/h = 140 mg/h is the maximum; 140.1 breaks it, and
  // 6 h of it (840.6 mg) the session total derived from it (140 x 6 = 840).
  const auto above = Check(Bosma(140.1));
  EXPECT_EQ(above.verdict(), v1::HARD_LIMIT);
  EXPECT_THAT(Limits(above),
              ::testing::ElementsAre("drug_library.continuous_rate_max",
                                     "drug_library.session_total_max",
                                     "protocol.rate_max"));
  EXPECT_EQ(above.violations(0).ihe_pcd_code(), kIheHardLimit);
  EXPECT_FALSE(above.approved());
  // In ICU the library allows 7 mg/kg/h = 490 mg/h: only the protocol objects.
  EXPECT_EQ(Check(Bosma(490, 360, kip::common::v1::ICU)).verdict(),
            v1::SOFT_LIMIT);
  EXPECT_EQ(Check(Bosma(490.1, 360, kip::common::v1::ICU)).verdict(),
            v1::HARD_LIMIT);
}

TEST(ProgramCheckTest, BolusUpTo035MgPerKgIsTheHardBound) {
  auto request = Bosma(70);
  request.mutable_program()->set_bolus_mg(24.5);  // 0.35 x 70: at the bound
  EXPECT_THAT(Limits(Check(request)), ::testing::ElementsAre("protocol.bolus"));
  request.mutable_program()->set_bolus_mg(24.6);
  EXPECT_EQ(Check(request).verdict(), v1::HARD_LIMIT);
  EXPECT_THAT(Limits(Check(request)),
              ::testing::Contains("drug_library.bolus_max"));
}

TEST(ProgramCheckTest, DosingWeightPlausibilityIsHard) {
  for (double kg : {19.9, 300.1}) {
    auto request = Bosma(0.5 * kg);
    *request.mutable_patient() = Patient(kg);
    const auto response = Check(request);
    EXPECT_EQ(response.verdict(), v1::HARD_LIMIT) << kg;
    EXPECT_EQ(response.violations(0).ihe_pcd_code(), kIheWeightMismatch);
  }
  for (double kg : {20.0, 300.0}) {
    auto request = Bosma(0.5 * kg);
    *request.mutable_patient() = Patient(kg);
    EXPECT_EQ(Check(request).verdict(), v1::OK) << kg;
  }
}

TEST(ProgramCheckTest, SessionLengthIsSoftAndTotalsAreHard) {
  EXPECT_EQ(Check(Bosma(70, 360)).verdict(), v1::OK);
  EXPECT_THAT(Limits(Check(Bosma(70, 361))),
              ::testing::ElementsAre("protocol.session_duration"));
  // Already 800 mg this session; 6 h at 140 mg/h would add 840 > 840 max.
  FakeDoses doses;
  v1::CumulativeDose received;
  received.set_session_mg(800);
  doses.answer = received;
  auto request = Bosma(140, 360);
  request.set_session_id("s1");
  EXPECT_THAT(Limits(Check(request, &doses)),
              ::testing::Contains("drug_library.session_total_max"));
  EXPECT_EQ(doses.calls, 1);
}

TEST(ProgramCheckTest, OverridesApproveSoftNeverHard) {
  auto request = Bosma(21);
  request.mutable_override()->set_clinician_id("dr-1");
  request.mutable_override()->set_reason_text(
      "intolerable side effects at 0.5 mg/kg/h");
  const auto soft = Check(request);
  EXPECT_TRUE(soft.approved());
  EXPECT_EQ(soft.accepted_override().clinician_id(), "dr-1");
  auto hard = Bosma(200);
  *hard.mutable_override() = request.override();
  EXPECT_FALSE(Check(hard).approved());
  request.mutable_override()->clear_clinician_id();
  EXPECT_FALSE(Check(request).approved());
}

TEST(ProgramCheckTest, MlPerHourIsRoundedDownAndBothShown) {
  // crps-0.35mgkg-4h for 73.3 kg: 0.35 x 73.3 = 25.655 mg/h.
  auto request = Bosma(25.655);
  request.set_protocol_id("crps-0.35mgkg-4h");
  *request.mutable_patient() = Patient(73.3);
  request.set_concentration_mg_per_ml(2);
  request.mutable_program()->set_duration_min(240);
  const auto response = Check(request);
  EXPECT_EQ(response.verdict(), v1::OK);
  EXPECT_NEAR(response.rate_ml_per_h_exact(), 12.8275, 1e-9);
  EXPECT_DOUBLE_EQ(response.rate_ml_per_h(), 12.8);
}

TEST(ProgramCheckTest, TheSessionsServiceUnreachableMeansRefusal) {
  FakeDoses doses;
  doses.answer = absl::UnavailableError("connection refused");
  auto request = Bosma(70);
  request.set_session_id("s1");
  auto refused = ValidateProgram(ShippedLibrary(), request, &doses, kNow);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("refusing to approve"));
  doses.answer = absl::DeadlineExceededError("deadline");
  EXPECT_EQ(
      ValidateProgram(ShippedLibrary(), request, &doses, kNow).status().code(),
      absl::StatusCode::kUnavailable);
  EXPECT_EQ(
      ValidateProgram(ShippedLibrary(), request, nullptr, kNow).status().code(),
      absl::StatusCode::kUnavailable);
}

TEST(ProgramCheckTest, EveryInvalidInputClassNamesItsField) {
  auto expect = [](v1::ValidateProgramRequest request, absl::StatusCode code,
                   const std::string& text) {
    auto status =
        ValidateProgram(ShippedLibrary(), request, nullptr, kNow).status();
    EXPECT_EQ(status.code(), code) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(text));
  };
  auto r = Bosma(70);
  r.mutable_program()->set_rate_mg_per_h(std::nan(""));
  expect(r, absl::StatusCode::kInvalidArgument, "program.rate_mg_per_h");
  r = Bosma(-1);
  expect(r, absl::StatusCode::kInvalidArgument, "program.rate_mg_per_h: -1");
  r = Bosma(70, 0);
  expect(r, absl::StatusCode::kInvalidArgument, "program.duration_min");
  r = Bosma(70);
  r.set_protocol_id("nope");
  expect(r, absl::StatusCode::kInvalidArgument,
         "protocol_id: 'nope' is not in the library");
  r = Bosma(70);
  r.set_care_area(kip::common::v1::CARE_AREA_UNSPECIFIED);
  expect(r, absl::StatusCode::kInvalidArgument, "care_area");
  r = Bosma(70);
  r.set_protocol_id("continuous-20-30mgh-100h");
  expect(r, absl::StatusCode::kFailedPrecondition,
         "does not run in OUTPATIENT_PAIN");
  r = Bosma(70);
  r.set_concentration_mg_per_ml(10);
  expect(r, absl::StatusCode::kInvalidArgument,
         "concentration_mg_per_ml: 10 mg/mL is not");
  r = Bosma(70);
  r.mutable_patient()->set_weight_kg(0);
  expect(r, absl::StatusCode::kInvalidArgument, "patient.weight_kg");
  r = Bosma(70);
  r.mutable_expected_library()->set_version("2025.01.0");
  expect(r, absl::StatusCode::kFailedPrecondition, "IHE 9022");
  r = Bosma(70);
  r.set_pump_rate_resolution_ml_per_h(-0.1);
  expect(r, absl::StatusCode::kInvalidArgument,
         "pump_rate_resolution_ml_per_h");
}

}  // namespace
}  // namespace kip::dosing
