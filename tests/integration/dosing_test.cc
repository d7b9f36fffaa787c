// dosing_server and sessions_server as real binaries over real channels: the
// library, plans, program checks with the cumulative dose asked from sessions
// (with the caller's token), fail-closed refusal when sessions is unreachable,
// titration and PK.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "tests/integration/running_session.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace dv1 = kip::dosing::v1;
namespace sv1 = kip::sessions::v1;
using ::kip::testing::ServerProcess;
using ::testing::HasSubstr;

class DosingServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_arg_ = auth_.PublicKeyFlag();
    auto sessions = ServerProcess::Start(
        "services/sessions/sessions_server",
        {key_arg_, absl::StrCat("--data_dir=", getenv("TEST_TMPDIR"), "/",
                                sessions::testing::NewUuid())},
        "sessions");
    ASSERT_TRUE(sessions.ok()) << sessions.status();
    sessions_ = std::make_unique<ServerProcess>(std::move(*sessions));
    dosing_ = StartDosing(sessions_->address());
    stub_ = dv1::DosingService::NewStub(grpc::CreateChannel(
        dosing_->address(), grpc::InsecureChannelCredentials()));
  }

  std::unique_ptr<ServerProcess> StartDosing(
      const std::string& sessions_address, const std::string& name = "dosing") {
    auto dosing = ServerProcess::Start(
        "services/dosing/dosing_server",
        {key_arg_, "--sessions_address=" + sessions_address,
         "--sessions_deadline=1s"},
        name);
    EXPECT_TRUE(dosing.ok()) << dosing.status();
    return std::make_unique<ServerProcess>(std::move(*dosing));
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& role) {
    return auth_.Context(role, absl::Seconds(20));
  }

  dv1::ValidateProgramRequest Program(double rate_mg_per_h,
                                      const std::string& session_id) {
    dv1::ValidateProgramRequest request;
    request.set_protocol_id("bosma-2018");
    request.mutable_patient()->set_weight_kg(70);
    request.set_concentration_mg_per_ml(1);
    request.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
    request.mutable_program()->set_rate_mg_per_h(rate_mg_per_h);
    request.mutable_program()->set_duration_min(60);
    request.set_session_id(session_id);
    return request;
  }

  // A running session with 2 h at 35 mg/h behind it (70 mg).
  std::string RunningSession() {
    auto stub = sv1::SessionLogService::NewStub(grpc::CreateChannel(
        sessions_->address(), grpc::InsecureChannelCredentials()));
    auto session_id = testing::StartSessionWith70MgReceived(
        *stub, auth_.AsRole(absl::Seconds(20)));
    EXPECT_TRUE(session_id.ok()) << session_id.status();
    return session_id.value_or("");
  }

  const testing::TestAuth auth_;
  std::string key_arg_;
  std::unique_ptr<ServerProcess> sessions_, dosing_;
  std::unique_ptr<dv1::DosingService::Stub> stub_;
};

TEST_F(DosingServerTest, TheLibraryAndAPlanComeWithVersionAndHash) {
  dv1::ListProtocolsResponse protocols;
  ASSERT_TRUE(
      stub_->ListProtocols(As("researcher").get(), {}, &protocols).ok());
  EXPECT_EQ(protocols.protocols_size(), 8);
  EXPECT_EQ(protocols.library().content_sha256().size(), 64u);
  dv1::PlanCourseRequest request;
  request.set_protocol_id("daily-4h-10d");
  request.mutable_patient()->set_weight_kg(70);
  request.set_concentration_mg_per_ml(1);
  request.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
  dv1::PlanCourseResponse plan;
  grpc::Status status =
      stub_->PlanCourse(As("clinician").get(), request, &plan);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(plan.sessions_size(), 10);
  EXPECT_DOUBLE_EQ(plan.sessions(0).steps(0).rate_mg_per_h(), 24.5);
  EXPECT_EQ(plan.library().content_sha256(),
            protocols.library().content_sha256());
  EXPECT_EQ(
      stub_->PlanCourse(As("researcher").get(), request, &plan).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(DosingServerTest, ARunningSessionIsCheckedWithWhatItAlreadyReceived) {
  const std::string session_id = RunningSession();
  dv1::ValidateProgramResponse response;
  grpc::Status status = stub_->ValidateProgram(
      As("device").get(), Program(70, session_id), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.verdict(), dv1::OK);
  EXPECT_TRUE(response.approved());
  EXPECT_NEAR(response.already_received().session_mg(), 70,
              0.5);  // 2 h x 35 mg/h
  EXPECT_DOUBLE_EQ(response.rate_ml_per_h(), 70);
  status = stub_->ValidateProgram(As("device").get(), Program(150, session_id),
                                  &response);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(response.verdict(), dv1::HARD_LIMIT);
  EXPECT_FALSE(response.approved());
  // The refused program is a drug-library alert in the session (issue #16);
  // the approved one left nothing.
  auto sessions = sv1::SessionLogService::NewStub(grpc::CreateChannel(
      sessions_->address(), grpc::InsecureChannelCredentials()));
  sv1::GetSessionRequest get;
  get.set_session_id(session_id);
  sv1::GetSessionResponse logged;
  ASSERT_TRUE(sessions->GetSession(As("clinician").get(), get, &logged).ok());
  std::vector<sv1::DrugLibraryAlert> alerts;
  for (const sv1::Event& e : logged.events())
    if (e.has_drug_library_alert()) alerts.push_back(e.drug_library_alert());
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].verdict(), "HARD_LIMIT");
  EXPECT_FALSE(alerts[0].overridden());
  EXPECT_EQ(alerts[0].protocol_id(), "bosma-2018");
  EXPECT_EQ(alerts[0].care_area(), "OUTPATIENT_PAIN");
  EXPECT_DOUBLE_EQ(alerts[0].rate_mg_per_h(), 150);
  ASSERT_GE(alerts[0].limits_size(), 1);
  EXPECT_EQ(alerts[0].limits(0).severity(), "HARD");
  EXPECT_EQ(alerts[0].limits(0).limit(), response.violations(0).limit());
}

TEST_F(DosingServerTest, UnreachableSessionsMeansRefusalNeverApproval) {
  const std::string session_id = RunningSession();
  sessions_->SignalAndWait(SIGKILL, absl::Seconds(5));
  dv1::ValidateProgramResponse response;
  grpc::Status status = stub_->ValidateProgram(
      As("device").get(), Program(70, session_id), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("refusing to approve"));
  // A program outside any running session is still checked.
  status =
      stub_->ValidateProgram(As("device").get(), Program(70, ""), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(DosingServerTest, BadInputNamesTheFieldAndTheBound) {
  dv1::ValidateProgramRequest request = Program(70, "");
  request.mutable_patient()->set_weight_kg(-3);
  dv1::ValidateProgramResponse response;
  grpc::Status status =
      stub_->ValidateProgram(As("device").get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("patient.weight_kg"));
  request = Program(70, "");
  request.set_protocol_id("unknown");
  auto context = As("device");
  status = stub_->ValidateProgram(context.get(), request, &response);
  EXPECT_THAT(status.error_message(), HasSubstr("IHE 9010"));
  // The same as machine-readable details in the trailer.
  const auto& trailers = context->GetServerTrailingMetadata();
  auto it = trailers.find("kip-error-details-bin");
  ASSERT_NE(it, trailers.end());
  kip::common::v1::ErrorDetails details;
  ASSERT_TRUE(details.ParseFromString(
      std::string(it->second.data(), it->second.size())));
  ASSERT_EQ(details.violations_size(), 1);
  EXPECT_EQ(details.violations(0).field_path(), "protocol_id");
  EXPECT_EQ(details.violations(0).ihe_pcd_code(), 9010);
}

TEST_F(DosingServerTest, TitrationAndPkOverTheWire) {
  dv1::ProposeTitrationRequest titrate;
  titrate.set_protocol_id("bosma-2018");
  titrate.mutable_patient()->set_weight_kg(70);
  titrate.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
  titrate.set_current_rate_mg_per_h(70);
  titrate.mutable_observations()->set_spo2_percent(78);
  dv1::ProposeTitrationResponse proposal;
  ASSERT_TRUE(
      stub_->ProposeTitration(As("clinician").get(), titrate, &proposal).ok());
  EXPECT_EQ(proposal.action(), dv1::STOP);
  dv1::PredictConcentrationRequest pk;
  pk.set_model(dv1::DOMINO);
  pk.set_weight_kg(70);
  auto* piece = pk.add_infusions();
  piece->set_start_min(0);
  piece->set_end_min(60);
  piece->set_rate_mg_per_h(35);
  pk.add_at_min(60);
  dv1::PredictConcentrationResponse prediction;
  ASSERT_TRUE(
      stub_->PredictConcentration(As("researcher").get(), pk, &prediction)
          .ok());
  EXPECT_GT(prediction.points(0).plasma_ng_per_ml(), 0);
}

}  // namespace
}  // namespace kip
