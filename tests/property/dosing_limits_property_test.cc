// Issue #12's properties, over random patients (20-300 kg, 100-250 cm, both
// sexes) x every protocol x every care area x every weight basis x every
// allowed concentration, through a real dosing_server:
//   1. every rate PlanCourse emits (each step and the session maximum) is
//      approved by ValidateProgram for the same patient;
//   2. no program whose rate, bolus or totals exceed a hard bound on the
//      actual body (or on the dosing weight) is approved, with or without an
//      override;
//   3. ProposeTitration never proposes a rate ValidateProgram would refuse.
// The hard bounds are recomputed here from the drug library the server
// serves, independently of services/dosing/core.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"

namespace kip {
namespace {

namespace v1 = kip::dosing::v1;
namespace cv1 = kip::common::v1;

constexpr int kPatientsPerCombination = 14;
constexpr int kProgramsPerPatient = 3;

struct Tally {
  int patients = 0, plans = 0, plans_refused = 0, emitted_rates = 0;
  int programs = 0, above_hard_bound = 0, titrations = 0;
};

class DosingLimitsPropertyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dosing = testing::ServerProcess::Start(
        "services/dosing/dosing_server",
        {auth_.PublicKeyFlag(), "--sessions_address="}, "dosing");
    ASSERT_TRUE(dosing.ok()) << dosing.status();
    dosing_ = std::make_unique<testing::ServerProcess>(std::move(*dosing));
    stub_ = v1::DosingService::NewStub(grpc::CreateChannel(
        dosing_->address(), grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(
        stub_->ListProtocols(As("clinician").get(), {}, &library_).ok());
    for (const auto& summary : library_.protocols()) {
      v1::GetProtocolRequest request;
      request.set_protocol_id(summary.id());
      v1::GetProtocolResponse response;
      ASSERT_TRUE(
          stub_->GetProtocol(As("clinician").get(), request, &response).ok());
      protocols_.push_back(response.protocol());
    }
  }

  // A context with a token signed once per role (signing each call would
  // dominate the run).
  std::unique_ptr<grpc::ClientContext> As(const std::string& role) {
    std::string& token = tokens_[role];
    if (token.empty()) token = auth_.Token(role);
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(30));
    context->AddMetadata("authorization", "Bearer " + token);
    return context;
  }

  v1::PatientDosingInput RandomPatient(cv1::WeightBasis basis) {
    v1::PatientDosingInput patient;
    patient.set_patient_id(absl::StrCat("P", ++tally_.patients));
    patient.set_weight_kg(std::uniform_real_distribution<>(20, 300)(rng_));
    patient.set_height_cm(std::uniform_real_distribution<>(100, 250)(rng_));
    patient.set_sex(std::bernoulli_distribution(0.5)(rng_) ? cv1::FEMALE
                                                           : cv1::MALE);
    patient.set_weight_basis(basis);
    return patient;
  }

  const v1::CareAreaLimits& Limits(cv1::CareArea area) const {
    for (const auto& limits : library_.drug_library().care_areas()) {
      if (limits.care_area() == area) return limits;
    }
    ADD_FAILURE() << "no limits for " << cv1::CareArea_Name(area);
    return library_.drug_library().care_areas(0);
  }

  // Does `program` break a drug-library bound on a body of `kg`?
  static bool AboveHardBound(const v1::CareAreaLimits& limits,
                             const v1::Protocol& protocol, double kg,
                             const v1::PumpProgram& program) {
    const double margin = 1 + 1e-6;  // clear of the boundary's rounding
    const double rate_max = limits.continuous_rate_max_mg_per_kg_per_h() * kg;
    const double hours = program.duration_min() / 60;
    const double session_h = protocol.session_duration().seconds() / 3600.0;
    const double total = program.rate_mg_per_h() * hours + program.bolus_mg();
    auto total_max = [&](double site_mg_per_kg, double derived) {
      return site_mg_per_kg > 0 ? site_mg_per_kg * kg : derived;
    };
    return program.rate_mg_per_h() > rate_max * margin ||
           program.bolus_mg() > limits.bolus_max_mg_per_kg() * kg * margin ||
           total > total_max(limits.session_total_max_mg_per_kg(),
                             rate_max * std::max(session_h, hours)) *
                       margin ||
           program.rate_mg_per_h() * std::min(hours, 24.0) +
                   program.bolus_mg() >
               total_max(limits.per_24h_total_max_mg_per_kg(), rate_max * 24) *
                   margin ||
           total > total_max(limits.course_total_max_mg_per_kg(),
                             rate_max * std::max(session_h, hours) *
                                 protocol.sessions_per_course()) *
                       margin;
  }

  v1::ValidateProgramResponse Validate(const v1::ValidateProgramRequest& r) {
    v1::ValidateProgramResponse response;
    grpc::Status status =
        stub_->ValidateProgram(As("device").get(), r, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  v1::ValidateProgramRequest ProgramFor(const v1::Protocol& protocol,
                                        const v1::PatientDosingInput& patient,
                                        cv1::CareArea area, double conc,
                                        double rate, double minutes,
                                        double bolus = 0,
                                        bool with_override = false) {
    v1::ValidateProgramRequest request;
    request.set_protocol_id(protocol.id());
    *request.mutable_patient() = patient;
    request.set_care_area(area);
    request.set_concentration_mg_per_ml(conc);
    request.mutable_program()->set_rate_mg_per_h(rate);
    request.mutable_program()->set_duration_min(minutes);
    request.mutable_program()->set_bolus_mg(bolus);
    if (with_override) {
      request.mutable_override()->set_clinician_id("C1");
      request.mutable_override()->set_reason_code("property-test");
    }
    return request;
  }

  std::string Case(const v1::Protocol& protocol,
                   const v1::PatientDosingInput& patient, cv1::CareArea area,
                   double conc) {
    return absl::StrCat(protocol.id(), " ", cv1::CareArea_Name(area), " ", conc,
                        " mg/mL ", patient.ShortDebugString());
  }

  void CheckPlanIsApproved(const v1::Protocol& protocol,
                           const v1::PatientDosingInput& patient,
                           cv1::CareArea area, double conc);
  void CheckNoApprovalAboveHardBounds(const v1::Protocol& protocol,
                                      const v1::PatientDosingInput& patient,
                                      cv1::CareArea area, double conc);
  void CheckTitrationIsApproved(const v1::Protocol& protocol,
                                const v1::PatientDosingInput& patient,
                                cv1::CareArea area, double conc);

  testing::TestAuth auth_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<testing::ServerProcess> dosing_;
  std::unique_ptr<v1::DosingService::Stub> stub_;
  v1::ListProtocolsResponse library_;
  std::vector<v1::Protocol> protocols_;
  std::mt19937_64 rng_{20261123};
  Tally tally_;
};

void DosingLimitsPropertyTest::CheckPlanIsApproved(
    const v1::Protocol& protocol, const v1::PatientDosingInput& patient,
    cv1::CareArea area, double conc) {
  v1::PlanCourseRequest request;
  request.set_protocol_id(protocol.id());
  *request.mutable_patient() = patient;
  request.set_care_area(area);
  request.set_concentration_mg_per_ml(conc);
  v1::PlanCourseResponse plan;
  grpc::Status status =
      stub_->PlanCourse(As("clinician").get(), request, &plan);
  ++tally_.plans;
  const bool area_allowed = std::count(protocol.care_areas().begin(),
                                       protocol.care_areas().end(), area) > 0;
  if (!status.ok()) {
    ++tally_.plans_refused;
    // Refusals: a care area the protocol does not run in, a start rate above
    // the hard maximum, or an ideal weight that is not a weight.
    EXPECT_TRUE(status.error_code() == grpc::StatusCode::FAILED_PRECONDITION ||
                status.error_code() == grpc::StatusCode::INVALID_ARGUMENT)
        << status.error_message();
    return;
  }
  ASSERT_TRUE(area_allowed) << Case(protocol, patient, area, conc);
  const double hard_kg = plan.hard_limit_weight().kg();
  EXPECT_LE(hard_kg, patient.weight_kg());
  EXPECT_LE(hard_kg, plan.dosing_weight_kg() * (1 + 1e-12));
  for (const v1::PlannedSession& session : plan.sessions()) {
    std::vector<double> rates = {session.max_rate_mg_per_h()};
    for (const auto& step : session.steps())
      rates.push_back(step.rate_mg_per_h());
    for (double rate : rates) {
      ++tally_.emitted_rates;
      auto response = Validate(ProgramFor(protocol, patient, area, conc, rate,
                                          session.duration_min()));
      EXPECT_TRUE(response.approved())
          << rate << " mg/h over " << session.duration_min()
          << " min: " << response.ShortDebugString() << "\n"
          << Case(protocol, patient, area, conc);
      EXPECT_EQ(response.verdict(), v1::OK);
    }
  }
}

void DosingLimitsPropertyTest::CheckNoApprovalAboveHardBounds(
    const v1::Protocol& protocol, const v1::PatientDosingInput& patient,
    cv1::CareArea area, double conc) {
  const v1::CareAreaLimits& limits = Limits(area);
  const double actual = patient.weight_kg();
  const double session_min = protocol.session_duration().seconds() / 60.0;
  for (int i = 0; i < kProgramsPerPatient; ++i) {
    // Around the actual body's rate maximum, sometimes just above it.
    const double rate_max =
        limits.continuous_rate_max_mg_per_kg_per_h() * actual;
    const double rate =
        i == 0 ? rate_max * 1.001
               : std::uniform_real_distribution<>(0, 1.6 * rate_max)(rng_);
    const double bolus =
        std::bernoulli_distribution(0.3)(rng_)
            ? std::uniform_real_distribution<>(
                  0, 2 * limits.bolus_max_mg_per_kg() * actual)(rng_)
            : 0;
    const double minutes =
        std::uniform_real_distribution<>(1, 1.5 * session_min)(rng_);
    for (bool with_override : {false, true}) {
      auto request = ProgramFor(protocol, patient, area, conc, rate, minutes,
                                bolus, with_override);
      v1::ValidateProgramResponse response;
      grpc::Status status =
          stub_->ValidateProgram(As("device").get(), request, &response);
      ++tally_.programs;
      if (!status.ok()) continue;  // refused outright: nothing approved
      const bool above_actual =
          AboveHardBound(limits, protocol, actual, request.program());
      const bool above_dosing = AboveHardBound(
          limits, protocol, response.dosing_weight_kg(), request.program());
      if (above_actual || above_dosing) {
        ++tally_.above_hard_bound;
        EXPECT_FALSE(response.approved())
            << request.program().ShortDebugString() << " "
            << Case(protocol, patient, area, conc);
        EXPECT_EQ(response.verdict(), v1::HARD_LIMIT);
      }
    }
  }
}

void DosingLimitsPropertyTest::CheckTitrationIsApproved(
    const v1::Protocol& protocol, const v1::PatientDosingInput& patient,
    cv1::CareArea area, double conc) {
  v1::ProposeTitrationRequest request;
  request.set_protocol_id(protocol.id());
  *request.mutable_patient() = patient;
  request.set_care_area(area);
  request.set_concentration_mg_per_ml(conc);
  // A current rate the pump may run: up to the server's hard maximum.
  v1::ProposeTitrationResponse probe;
  request.set_current_rate_mg_per_h(0);
  if (!stub_->ProposeTitration(As("clinician").get(), request, &probe).ok()) {
    return;  // the same refusal as the plan's (care area, weight)
  }
  const double hard_max = Limits(area).continuous_rate_max_mg_per_kg_per_h() *
                          probe.hard_limit_weight().kg();
  EXPECT_LE(probe.hard_limit_weight().kg(), patient.weight_kg());
  const double session_min = protocol.session_duration().seconds() / 60.0;
  for (int i = 0; i < kProgramsPerPatient; ++i) {
    request.set_current_rate_mg_per_h(
        std::uniform_real_distribution<>(0, hard_max)(rng_));
    auto* obs = request.mutable_observations();
    obs->Clear();
    obs->set_pain_nrs(std::uniform_int_distribution<>(0, 10)(rng_));
    if (std::bernoulli_distribution(0.3)(rng_)) obs->add_side_effects("nausea");
    request.mutable_since_last_change()->set_seconds(
        std::uniform_int_distribution<>(0, 7200)(rng_));
    v1::ProposeTitrationResponse proposal;
    grpc::Status status =
        stub_->ProposeTitration(As("clinician").get(), request, &proposal);
    ASSERT_TRUE(status.ok())
        << status.error_message() << " " << request.ShortDebugString();
    ++tally_.titrations;
    if (proposal.new_rate_mg_per_h() == 0) continue;  // pause or stop
    const double current = request.current_rate_mg_per_h();
    auto proposed = Validate(ProgramFor(protocol, patient, area, conc,
                                        proposal.new_rate_mg_per_h(),
                                        session_min, 0, true));
    EXPECT_TRUE(proposed.approved())
        << proposal.ShortDebugString() << " " << proposed.ShortDebugString()
        << " " << Case(protocol, patient, area, conc);
    // A proposal adds no soft violation the current rate did not have.
    auto now = Validate(
        ProgramFor(protocol, patient, area, conc, current, session_min));
    if (now.verdict() == v1::OK) {
      EXPECT_EQ(proposed.verdict(), v1::OK)
          << proposal.ShortDebugString() << " "
          << Case(protocol, patient, area, conc);
    }
  }
}

TEST_F(DosingLimitsPropertyTest, PlansTitrationsAndHardBoundsAgree) {
  ASSERT_EQ(protocols_.size(), 8u);
  for (const v1::Protocol& protocol : protocols_) {
    for (cv1::CareArea area :
         {cv1::OUTPATIENT_PAIN, cv1::INPATIENT_WARD, cv1::ICU}) {
      for (cv1::WeightBasis basis : {cv1::WEIGHT_BASIS_UNSPECIFIED, cv1::ACTUAL,
                                     cv1::IDEAL, cv1::ADJUSTED}) {
        for (double conc : protocol.allowed_concentrations_mg_per_ml()) {
          for (int i = 0; i < kPatientsPerCombination; ++i) {
            const v1::PatientDosingInput patient = RandomPatient(basis);
            CheckPlanIsApproved(protocol, patient, area, conc);
            CheckNoApprovalAboveHardBounds(protocol, patient, area, conc);
            CheckTitrationIsApproved(protocol, patient, area, conc);
            if (HasFailure()) return;
          }
        }
      }
    }
  }
  std::printf(
      "%d patients: %d plans (%d refused), %d emitted rates validated; %d "
      "programs (%d above a hard bound, none approved); %d titrations\n",
      tally_.patients, tally_.plans, tally_.plans_refused, tally_.emitted_rates,
      tally_.programs, tally_.above_hard_bound, tally_.titrations);
  EXPECT_GT(tally_.above_hard_bound, 1000);
  EXPECT_GT(tally_.emitted_rates, 1000);
}

}  // namespace
}  // namespace kip
