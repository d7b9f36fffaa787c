// A randomised, blinded trial on a real sessions_server over gRPC and
// kipctl, on SQLite and on a throwaway PostgreSQL: KIP assigns arms and
// refuses the caller's, each role sees the arm or the kit code as it may,
// the statistician's list re-derives from its seed, an emergency unblinding
// is logged, scoped to one patient and shows in the export, and an admin
// unblinds the study.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cmath>
#include <fstream>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "services/sessions/trial/randomisation.h"
#include "tests/integration/cli_run.h"
#include "tests/integration/server_process.h"
#include "tests/integration/sessions_on_backend.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;
using ::kip::testing::CliRun;
using ::testing::HasSubstr;

class TrialServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto store = testing::FreshSessionsStoreFlags(GetParam());
    ASSERT_TRUE(store.ok()) << store.status();
    args_ = {auth_.PublicKeyFlag()};
    args_.insert(args_.end(), store->begin(), store->end());
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  void StartServer() {
    auto server = testing::ServerProcess::Start(
        "services/sessions/sessions_server", args_, "sessions");
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::make_unique<testing::ServerProcess>(std::move(*server));
    stub_ = sv1::SessionLogService::NewStub(grpc::CreateChannel(
        server_->address(), grpc::InsecureChannelCredentials()));
  }

  grpc::Status EnrollOverGrpc(sv1::SessionLogService::Stub& stub,
                              const std::string& patient) {
    sv1::EnrollPatientRequest request;
    *request.mutable_patient() = sessions::testing::MakePatient("T1", patient);
    request.mutable_patient()->clear_arm_id();
    sv1::EnrollPatientResponse response;
    return stub.EnrollPatient(
        auth_.Context("clinician", absl::Seconds(2)).get(), request, &response);
  }

  CliRun Kipctl(const std::string& args, const std::string& role) {
    return testing::RunCli(
        absl::StrCat("sdk/kipctl/kipctl --token=", auth_.Token(role),
                     " --target=", server_->address(), " ", args));
  }

  sv1::Patient Get(const std::string& patient, const std::string& role) {
    sv1::GetPatientRequest request;
    request.set_study_id("T1");
    request.set_patient_id(patient);
    sv1::GetPatientResponse response;
    grpc::Status status =
        stub_->GetPatient(auth_.Context(role).get(), request, &response);
    EXPECT_TRUE(status.ok()) << role << ": " << status.error_message();
    return response.patient();
  }

  // T1: ketamine 2 : placebo 1, permuted blocks by site, blinded.
  void CreateBlindedStudy() {
    CliRun created = Kipctl(
        "sessions create-study --study T1 --arms 'ketamine:Ketamine "
        "0.5 mg/kg/h,placebo:Saline' --ratios 2,1 --randomise blocks "
        "--factors site --blinded",
        "clinician");
    ASSERT_EQ(created.exit_status, 0) << created.err;
    EXPECT_THAT(created.out, HasSubstr("T1: PERMUTED_BLOCKS, blinded"));
  }

  CliRun Enroll(const std::string& patient, const std::string& extra = "") {
    return Kipctl(absl::StrCat("sessions enroll --study T1 --patient ", patient,
                               " --site site-a --weight-kg 70 --sex F "
                               "--age-band 40-49 --baseline-pain 7 ",
                               extra),
                  "clinician");
  }

  const testing::TestAuth auth_;
  std::vector<std::string> args_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<sv1::SessionLogService::Stub> stub_;
};

TEST_P(TrialServerTest, AssignsConcealsReDerivesAndUnblindsOnePatient) {
  CreateBlindedStudy();
  CliRun chosen = Enroll("P0", "--arm ketamine");
  EXPECT_EQ(chosen.exit_status, 2);
  EXPECT_THAT(chosen.err, HasSubstr("patient.arm_id"));
  for (int i = 1; i <= 12; ++i) {
    CliRun enrolled = Enroll(absl::StrCat("P", i));
    ASSERT_EQ(enrolled.exit_status, 0) << enrolled.err;
    EXPECT_THAT(enrolled.out, HasSubstr("kit KIT-"));
    EXPECT_THAT(enrolled.out, HasSubstr("arm withheld (blinded)"));
    EXPECT_THAT(enrolled.out, ::testing::Not(HasSubstr("placebo")));
  }
  for (const char* role : {"device", "clinician", "researcher"}) {
    sv1::Patient p = Get("P1", role);
    EXPECT_EQ(p.arm_id(), "") << role;
    EXPECT_TRUE(p.arm_withheld());
    EXPECT_THAT(p.kit_code(), ::testing::StartsWith("KIT-"));
  }
  const std::string p1_arm = Get("P1", "pharmacy").arm_id();
  EXPECT_THAT(p1_arm, ::testing::AnyOf("ketamine", "placebo"));

  // The statistician's list re-derives from its seed, outside the server.
  CliRun denied = Kipctl("sessions allocation --study T1", "clinician");
  EXPECT_EQ(denied.exit_status, 1);
  sv1::GetAllocationListRequest list_request;
  list_request.set_study_id("T1");
  list_request.set_schedule_length(30);
  sv1::GetAllocationListResponse list;
  ASSERT_TRUE(stub_
                  ->GetAllocationList(auth_.Context("statistician").get(),
                                      list_request, &list)
                  .ok());
  ASSERT_EQ(list.entries_size(), 12);
  const std::string seed = absl::HexStringToBytes(list.seed_hex());
  const std::vector<trial::ArmRatio> arms = {{"ketamine", 2}, {"placebo", 1}};
  int ketamine = 0;
  for (const sv1::TrialLogEntry& e : list.entries()) {
    EXPECT_EQ(e.arm_id(), trial::BlockAllocation(arms, {}, seed, "site=site-a",
                                                 e.sequence() - 1));
    ketamine += e.arm_id() == "ketamine";
  }
  EXPECT_LE(std::abs(ketamine - 8), 4);  // 2:1 within blocks of 3, 6 or 9
  CliRun exported = Kipctl(absl::StrCat("sessions allocation --study T1 --out ",
                                        getenv("TEST_TMPDIR"), "/alloc"),
                           "statistician");
  ASSERT_EQ(exported.exit_status, 0) << exported.err;
  std::ifstream seed_file(
      absl::StrCat(getenv("TEST_TMPDIR"), "/alloc/seed.txt"));
  std::string seed_hex;
  seed_file >> seed_hex;
  EXPECT_EQ(seed_hex, list.seed_hex());

  // Emergency unblinding of P1 by the clinician, with a reason.
  CliRun no_reason =
      Kipctl("sessions unblind --patient P1 --reason ''", "clinician");
  EXPECT_EQ(no_reason.exit_status, 2);
  CliRun unblinded = Kipctl(
      "sessions unblind --patient P1 --reason 'emergence reaction, "
      "treating team must know'",
      "clinician");
  ASSERT_EQ(unblinded.exit_status, 0) << unblinded.err;
  EXPECT_THAT(unblinded.out, HasSubstr("arm " + p1_arm));
  EXPECT_EQ(Get("P1", "clinician").arm_id(), p1_arm);
  EXPECT_TRUE(Get("P1", "clinician").emergency_unblinded());
  EXPECT_EQ(Get("P2", "clinician").arm_id(), "");  // nobody else
  EXPECT_EQ(Get("P1", "researcher").arm_id(), "");
  CliRun verified =
      Kipctl("sessions verify-allocations --study T1", "researcher");
  EXPECT_EQ(verified.exit_status, 0) << verified.out << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("ok: 13 trial log entries"));

  // The export shows the unblinding (who, why), not the arm.
  CliRun csv = Kipctl(absl::StrCat("sessions export --study T1 --out ",
                                   getenv("TEST_TMPDIR"), "/csv"),
                      "researcher");
  ASSERT_EQ(csv.exit_status, 0) << csv.err;
  std::ifstream table(
      absl::StrCat(getenv("TEST_TMPDIR"), "/csv/unblinding.csv"));
  const std::string text((std::istreambuf_iterator<char>(table)), {});
  EXPECT_THAT(text, HasSubstr("EMERGENCY_UNBLINDING,P1,KIT-"));
  EXPECT_THAT(text, HasSubstr("emergence reaction"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr(p1_arm)));

  // Only an admin unblinds the study; then everyone sees arms.
  EXPECT_EQ(
      Kipctl("sessions unblind-study --study T1 --reason 'final analysis'",
             "clinician")
          .exit_status,
      1);
  CliRun whole = Kipctl(
      "sessions unblind-study --study T1 --reason 'database locked, final "
      "analysis'",
      "admin");
  ASSERT_EQ(whole.exit_status, 0) << whole.err;
  EXPECT_FALSE(Get("P2", "researcher").arm_id().empty());
  sv1::GetStudyRequest get;
  get.set_study_id("T1");
  sv1::GetStudyResponse study;
  ASSERT_TRUE(
      stub_->GetStudy(auth_.Context("researcher").get(), get, &study).ok());
  EXPECT_TRUE(study.study().unblinded());
  EXPECT_EQ(study.study().arms_size(), 2);
}

TEST_P(TrialServerTest, MinimisationAndCallerStudiesSideBySide) {
  CliRun created = Kipctl(
      "sessions create-study --study M1 --arms ketamine,placebo --randomise "
      "minimisation --factors sex,age_band --follow-probability 0.8",
      "clinician");
  ASSERT_EQ(created.exit_status, 0) << created.err;
  int ketamine = 0;
  for (int i = 0; i < 20; ++i) {
    CliRun enrolled = Kipctl(
        absl::StrCat("sessions enroll --study M1 --patient Q", i,
                     " --site site-a --weight-kg 70 --sex ", i % 3 ? "F" : "M",
                     " --age-band ", i % 2 ? "40-49" : "50-59", " --json"),
        "clinician");
    ASSERT_EQ(enrolled.exit_status, 0) << enrolled.err;
    // Not blinded: the clinician sees the arm, and there is no kit.
    EXPECT_THAT(enrolled.out, ::testing::AnyOf(HasSubstr("\"ketamine\""),
                                               HasSubstr("\"placebo\"")));
    ketamine += enrolled.out.find("\"ketamine\"") != std::string::npos;
  }
  EXPECT_LE(std::abs(2 * ketamine - 20), 6);
  // A study whose caller allocates still takes the arm from the caller.
  CliRun caller = Kipctl(
      "sessions create-study --study C1 --arms ketamine,placebo", "clinician");
  ASSERT_EQ(caller.exit_status, 0) << caller.err;
  CliRun chosen = Kipctl(
      "sessions enroll --study C1 --patient R1 --site site-a --weight-kg 70 "
      "--arm placebo",
      "clinician");
  ASSERT_EQ(chosen.exit_status, 0) << chosen.err;
  EXPECT_THAT(chosen.out, HasSubstr("arm placebo"));
  CliRun blinded_caller = Kipctl(
      "sessions create-study --study C2 --arms ketamine,placebo --blinded",
      "clinician");
  EXPECT_EQ(blinded_caller.exit_status, 2);
  EXPECT_THAT(blinded_caller.err, HasSubstr("study.blinded"));
}

TEST_P(TrialServerTest, SigkillMidEnrolmentLeavesAVerifiableTrialLog) {
  CreateBlindedStudy();
  std::atomic<bool> stop{false};
  std::atomic<int> attempted{0};
  std::thread enroller([&] {
    auto stub = sv1::SessionLogService::NewStub(grpc::CreateChannel(
        server_->address(), grpc::InsecureChannelCredentials()));
    while (!stop) {
      (void)EnrollOverGrpc(*stub, absl::StrCat("K", attempted.load()));
      ++attempted;
    }
  });
  absl::SleepFor(absl::Milliseconds(400));
  ASSERT_TRUE(server_->SignalAndWait(SIGKILL, absl::Seconds(10)).has_value());
  stop = true;
  enroller.join();
  ASSERT_NO_FATAL_FAILURE(StartServer());
  // Every enrolment tried is retried: a committed one returns its first
  // allocation, one lost with the server is allocated now.
  for (int i = 0; i < attempted; ++i) {
    grpc::Status status = EnrollOverGrpc(*stub_, absl::StrCat("K", i));
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  sv1::VerifyAllocationsRequest verify;
  verify.set_study_id("T1");
  sv1::VerifyAllocationsResponse verified;
  ASSERT_TRUE(stub_
                  ->VerifyAllocations(auth_.Context("clinician").get(), verify,
                                      &verified)
                  .ok());
  EXPECT_TRUE(verified.ok()) << verified.problem();
  EXPECT_EQ(verified.entries_checked(), attempted.load());
  std::printf("%d enrolments through a SIGKILL: trial log verified\n",
              attempted.load());
}

TEST_P(TrialServerTest, BadTrialRequestsAreNamedAndWriteNothing) {
  CreateBlindedStudy();
  ASSERT_EQ(Enroll("P1").exit_status, 0);
  sv1::GetAllocationListRequest list;
  list.set_study_id("T1");
  list.set_schedule_length(20000);
  sv1::GetAllocationListResponse listed;
  grpc::Status status = stub_->GetAllocationList(
      auth_.Context("statistician").get(), list, &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("schedule_length"));
  sv1::UnblindPatientRequest unblind;
  unblind.set_study_id("T1");
  unblind.set_patient_id("nobody");
  unblind.set_reason("a real reason");
  sv1::UnblindPatientResponse unblinded;
  EXPECT_EQ(stub_
                ->UnblindPatient(auth_.Context("clinician").get(), unblind,
                                 &unblinded)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  unblind.set_patient_id("P1");
  unblind.set_reason(std::string(2001, 'r'));
  status = stub_->UnblindPatient(auth_.Context("clinician").get(), unblind,
                                 &unblinded);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("reason"));
  sv1::CreateStudyRequest create;
  *create.mutable_study() = sessions::testing::MakeStudy("M2");
  create.mutable_study()->mutable_randomisation()->set_method(
      sv1::MINIMISATION);
  create.mutable_study()->mutable_randomisation()->set_follow_probability(
      std::nan(""));
  sv1::CreateStudyResponse created;
  status =
      stub_->CreateStudy(auth_.Context("clinician").get(), create, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("study.randomisation.follow_probability"));
  sv1::VerifyAllocationsRequest verify;
  verify.set_study_id("T1");
  sv1::VerifyAllocationsResponse verified;
  ASSERT_TRUE(stub_
                  ->VerifyAllocations(auth_.Context("clinician").get(), verify,
                                      &verified)
                  .ok());
  EXPECT_EQ(verified.entries_checked(), 1);  // nothing else was written
}

INSTANTIATE_TEST_SUITE_P(Backends, TrialServerTest,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kip
