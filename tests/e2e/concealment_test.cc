// Allocation concealment (issue #15): every RPC of every KIP service, called
// as device, clinician and researcher against real dosing, sessions,
// analytics and gateway servers holding a randomised, blinded study, answers
// without an arm id or arm title of that study anywhere - in responses, stream
// messages and error messages. The methods come from the service descriptors
// (reflection), so a new RPC fails this test until it has a request here.
// Guessing an arm gets the same answer whether the guess is right or wrong.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "kip/analytics/v1/analytics.grpc.pb.h"
#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "kip/gateway/v1/gateway.grpc.pb.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

// What must never reach a blinded role: the arms' ids and titles.
const char* const kNeedles[] = {"arm-ketamine-q7z", "arm-placebo-x3k",
                                "Ketamine 0.5 mg/kg/h zq", "Saline xk"};

// One request per RPC, text format; $S study, $P patient, $E session.
const std::map<std::string, std::string>& Requests() {
  static const auto* const kRequests = new std::map<std::string, std::string>{
      {"ListProtocols", ""},
      {"GetProtocol", "protocol_id: 'bosma-2018'"},
      {"PlanCourse",
       "protocol_id: 'bosma-2018' patient { weight_kg: 70 } "
       "concentration_mg_per_ml: 1 care_area: OUTPATIENT_PAIN"},
      {"ValidateProgram",
       "protocol_id: 'bosma-2018' patient { weight_kg: 70 } "
       "concentration_mg_per_ml: 1 care_area: OUTPATIENT_PAIN session_id: "
       "'$E'"},
      {"ProposeTitration",
       "protocol_id: 'bosma-2018' patient { weight_kg: 70 } "
       "care_area: OUTPATIENT_PAIN current_rate_mg_per_h: 10 "
       "concentration_mg_per_ml: 1"},
      {"PredictConcentration",
       "model: DOMINO weight_kg: 70 infusions { start_min: 0 end_min: 60 "
       "rate_mg_per_h: 20 } at_min: 30"},
      {"CreateStudy",
       "study { id: 'S-new' title: 't' arms { id: 'a' title: "
       "'a' } arms { id: 'b' title: 'b' } }"},
      {"GetStudy", "study_id: '$S'"},
      {"ListStudies", ""},
      {"EnrollPatient",
       "patient { study_id: '$S' patient_id: 'P-new' site_id: 'site-a' "
       "baseline_weight_kg: 70 sex: FEMALE age_band: '40-49' condition: CRPS "
       "baseline_pain_nrs: 7 }"},
      {"GetPatient", "study_id: '$S' patient_id: '$P'"},
      {"StartSession",
       "session { session_id: '11111111-2222-4333-8444-555555555555' "
       "study_id: '$S' patient_id: '$P' site_id: 'site-a' protocol_id: "
       "'bosma-2018' protocol_version: 'v' device_id: 'pump-1' course_day: 2 "
       "}"},
      {"GetSession", "session_id: '$E'"},
      {"ListSessions", "study_id: '$S'"},
      {"AppendEvents", ""},
      {"StreamEvents", "study_id: '$S'"},
      {"GetCumulativeDose", "study_id: '$S' patient_id: '$P' session_id: '$E'"},
      {"VerifySession", "session_id: '$E'"},
      {"GetCheckpoint", ""},
      {"GetInclusionProof", "leaf_index: 0 tree_size: 1"},
      {"GetConsistencyProof", "first_tree_size: 1 second_tree_size: 2"},
      {"ExportStudy", "study_id: '$S' format: SDTM"},
      {"ListReadAudit", ""},
      {"GetAllocationList", "study_id: '$S'"},
      // The sanctioned reveal (a clinician's emergency unblinding, with a
      // reason) is tested for its scope in tests/integration:trial_test;
      // here the request without a reason must reveal nothing.
      {"UnblindPatient", "study_id: '$S' patient_id: '$P'"},
      {"UnblindStudy", "study_id: '$S' reason: 'probe'"},
      {"VerifyAllocations", "study_id: '$S'"},
      {"ListSafetyReports", "study_id: '$S'"},
      {"ListDeviations", "study_id: '$S'"},
      {"SignRecords",
       "study_id: '$S' patient_id: '$P' meaning: REVIEWED printed_name: "
       "'Dr A. Investigator'"},
      {"RunMetaAnalysis",
       "logged_studies { study_id: '$S' outcome: PAIN_CHANGE_END_OF_COURSE }"},
      {"ComputeStudyOutcomes",
       "study_id: '$S' outcome: PAIN_CHANGE_END_OF_COURSE"},
      {"AnalyzeBaselinePredictors", "study_id: '$S'"},
      {"RenderForestPlot",
       "analysis { logged_studies { study_id: '$S' outcome: "
       "PAIN_CHANGE_END_OF_COURSE } }"},
      {"RenderFunnelPlot",
       "analysis { logged_studies { study_id: '$S' outcome: "
       "PAIN_CHANGE_END_OF_COURSE } }"},
      {"RunMetaRegression",
       "logged_studies { study_id: '$S' outcome: PAIN_CHANGE_END_OF_COURSE }"},
      {"RunNetworkMetaAnalysis", ""},
      {"ComputeDrugLibraryReport", "study_id: '$S' render_svg: true"},
      {"ListQuarantine", ""},
      {"SendOrder",
       "session_id: '$E' program { protocol_id: 'bosma-2018' patient { "
       "weight_kg: 70 } concentration_mg_per_ml: 1 care_area: "
       "OUTPATIENT_PAIN program { rate_mg_per_h: 35 duration_min: 60 } }"},
  };
  return *kRequests;
}

struct Answer {
  grpc::Status status;
  std::vector<std::string> messages;  // text format of each response
};

class ConcealmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sessions = testing::ServerProcess::Start(
        "services/sessions/sessions_server",
        {auth_.PublicKeyFlag(),
         absl::StrCat("--data_dir=", getenv("TEST_TMPDIR"), "/sessions")},
        "sessions");
    ASSERT_TRUE(sessions.ok()) << sessions.status();
    sessions_ = std::make_unique<testing::ServerProcess>(std::move(*sessions));
    auto dosing = testing::ServerProcess::Start(
        "services/dosing/dosing_server",
        {auth_.PublicKeyFlag(), "--sessions_address=" + sessions_->address()},
        "dosing");
    ASSERT_TRUE(dosing.ok()) << dosing.status();
    dosing_ = std::make_unique<testing::ServerProcess>(std::move(*dosing));
    auto analytics = testing::ServerProcess::Start(
        "services/analytics/analytics_server",
        {auth_.PublicKeyFlag(), "--sessions_address=" + sessions_->address()},
        "analytics");
    ASSERT_TRUE(analytics.ok()) << analytics.status();
    analytics_ =
        std::make_unique<testing::ServerProcess>(std::move(*analytics));
    // The pump gateway, with the device token of the site; its pump server
    // is unreachable (an order dosing approves then fails to be sent, which
    // is an answer too).
    const std::string gateway_dir =
        absl::StrCat(getenv("TEST_TMPDIR"), "/gateway");
    std::ofstream(gateway_dir + ".token") << auth_.Token("device") << "\n";
    auto gateway = testing::ServerProcess::Start(
        "services/gateway/gateway_server",
        {auth_.PublicKeyFlag(), "--data_dir=" + gateway_dir,
         "--sessions_address=" + sessions_->address(),
         "--sessions_token_file=" + gateway_dir + ".token",
         "--dosing_address=" + dosing_->address(), "--mllp_port=0",
         "--pump_server_address=127.0.0.1:1", "--pump_server_timeout=1s"},
        "gateway");
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = std::make_unique<testing::ServerProcess>(std::move(*gateway));
    ASSERT_NO_FATAL_FAILURE(SeedBlindedTrial());
  }

  std::shared_ptr<grpc::Channel> Channel(const std::string& service) {
    const std::string address =
        service == "kip.dosing.v1.DosingService"         ? dosing_->address()
        : service == "kip.analytics.v1.AnalyticsService" ? analytics_->address()
        : service == "kip.gateway.v1.GatewayService"     ? gateway_->address()
                                                         : sessions_->address();
    return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  }

  // Study C1: ketamine : placebo 1:1, permuted blocks, blinded; six
  // patients, each with a session holding baseline and end pain scores.
  void SeedBlindedTrial() {
    auto stub = sv1::SessionLogService::NewStub(
        Channel("kip.sessions.v1.SessionLogService"));
    sv1::CreateStudyRequest create;
    sv1::Study* study = create.mutable_study();
    *study = sessions::testing::MakeStudy("C1");
    study->clear_arms();
    study->add_arms()->set_id(kNeedles[0]);
    study->mutable_arms(0)->set_title(kNeedles[2]);
    study->add_arms()->set_id(kNeedles[1]);
    study->mutable_arms(1)->set_title(kNeedles[3]);
    study->mutable_randomisation()->set_method(sv1::PERMUTED_BLOCKS);
    study->set_blinded(true);
    study->add_protocol_ids("bosma-2018");
    sv1::CreateStudyResponse created;
    grpc::Status status =
        stub->CreateStudy(auth_.Context("clinician").get(), create, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (int i = 1; i <= 6; ++i) {
      sv1::EnrollPatientRequest enroll;
      *enroll.mutable_patient() =
          sessions::testing::MakePatient("C1", absl::StrCat("P", i));
      enroll.mutable_patient()->clear_arm_id();
      const double ts[] = {1.5, 0.5, 3.0, 2.0, 0.0, 2.5};
      const double cpm[] = {-1.0, -0.5, 0.5, 1.0, 0.0, -1.5};
      enroll.mutable_patient()->set_temporal_summation_nrs(ts[i - 1]);
      enroll.mutable_patient()->set_conditioned_pain_modulation_nrs(cpm[i - 1]);
      sv1::EnrollPatientResponse enrolled;
      status = stub->EnrollPatient(auth_.Context("clinician").get(), enroll,
                                   &enrolled);
      ASSERT_TRUE(status.ok()) << status.error_message();
      sv1::StartSessionRequest start;
      *start.mutable_session() =
          sessions::testing::MakeSession("C1", absl::StrCat("P", i));
      sv1::StartSessionResponse started;
      status =
          stub->StartSession(auth_.Context("device").get(), start, &started);
      ASSERT_TRUE(status.ok()) << status.error_message();
      if (i == 1) session_id_ = started.session().session_id();
      sv1::AppendEventsRequest append;
      const absl::Time t0 = absl::Now() - absl::Hours(2);
      *append.add_events() =
          sessions::testing::PainEvent(started.session().session_id(), 7, t0);
      append.mutable_events(0)->mutable_pain_score()->set_timepoint(
          sv1::BASELINE);
      const double end_nrs[] = {4, 6, 3, 6, 5, 2};
      *append.add_events() = sessions::testing::PainEvent(
          started.session().session_id(), end_nrs[i - 1], t0 + absl::Hours(1));
      append.mutable_events(1)->mutable_pain_score()->set_timepoint(sv1::END);
      sv1::AppendEventsResponse appended;
      status =
          stub->AppendEvents(auth_.Context("device").get(), append, &appended);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  Answer Call(const MethodDescriptor& method, const std::string& role) {
    std::string text =
        absl::StrReplaceAll(Requests().at(method.name()),
                            {{"$S", "C1"}, {"$P", "P1"}, {"$E", session_id_}});
    google::protobuf::DynamicMessageFactory factory;
    std::unique_ptr<google::protobuf::Message> request(
        factory.GetPrototype(method.input_type())->New());
    EXPECT_TRUE(
        google::protobuf::TextFormat::ParseFromString(text, request.get()))
        << method.full_name();
    const std::string path =
        absl::StrCat("/", method.service()->full_name(), "/", method.name());
    grpc::GenericStub stub(Channel(method.service()->full_name()));
    auto context = auth_.Context(role);
    grpc::Slice slice(request->SerializeAsString());
    grpc::ByteBuffer request_bytes(&slice, 1);
    Answer answer;
    auto parse = [&](const grpc::ByteBuffer& buffer) {
      std::vector<grpc::Slice> slices;
      (void)buffer.Dump(&slices);
      std::string bytes;
      for (const grpc::Slice& s : slices)
        bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
      std::unique_ptr<google::protobuf::Message> response(
          factory.GetPrototype(method.output_type())->New());
      EXPECT_TRUE(response->ParseFromString(bytes));
      std::string shown;
      google::protobuf::TextFormat::PrintToString(*response, &shown);
      answer.messages.push_back(shown + bytes);  // the decoded and raw forms
    };
    grpc::CompletionQueue cq;
    void* tag = nullptr;
    bool ok = false;
    if (!method.server_streaming()) {
      grpc::ByteBuffer response;
      auto call =
          stub.PrepareUnaryCall(context.get(), path, request_bytes, &cq);
      call->StartCall();
      call->Finish(&response, &answer.status, reinterpret_cast<void*>(1));
      cq.Next(&tag, &ok);
      if (answer.status.ok()) parse(response);
      return answer;
    }
    auto call = stub.PrepareCall(context.get(), path, &cq);
    call->StartCall(reinterpret_cast<void*>(1));
    cq.Next(&tag, &ok);
    call->Write(request_bytes, grpc::WriteOptions().set_last_message(),
                reinterpret_cast<void*>(2));
    cq.Next(&tag, &ok);
    while (true) {
      grpc::ByteBuffer message;
      call->Read(&message, reinterpret_cast<void*>(3));
      cq.Next(&tag, &ok);
      if (!ok) break;
      parse(message);
    }
    call->Finish(&answer.status, reinterpret_cast<void*>(4));
    cq.Next(&tag, &ok);
    return answer;
  }

  const testing::TestAuth auth_;
  std::unique_ptr<testing::ServerProcess> sessions_, dosing_, analytics_,
      gateway_;
  std::string session_id_;
};

TEST_F(ConcealmentTest, NoRpcShowsABlindedArmToDeviceClinicianOrResearcher) {
  // Through a message's file: the generated pool as this binary links it
  // (the ThreadSanitizer build links its own copy of the generated code).
  const ServiceDescriptor* services[] = {
      kip::dosing::v1::PlanCourseRequest::descriptor()
          ->file()
          ->FindServiceByName("DosingService"),
      sv1::GetStudyRequest::descriptor()->file()->FindServiceByName(
          "SessionLogService"),
      kip::analytics::v1::RunMetaAnalysisRequest::descriptor()
          ->file()
          ->FindServiceByName("AnalyticsService"),
      kip::gateway::v1::ListQuarantineRequest::descriptor()
          ->file()
          ->FindServiceByName("GatewayService")};
  for (const ServiceDescriptor* service : services) ASSERT_NE(service, nullptr);
  std::map<std::string, int> answered_ok;
  int calls = 0;
  for (const ServiceDescriptor* service : services) {
    for (int m = 0; m < service->method_count(); ++m) {
      const MethodDescriptor& method = *service->method(m);
      ASSERT_TRUE(Requests().count(method.name()))
          << method.full_name() << " has no request in this test: add one";
      for (const char* role : {"device", "clinician", "researcher"}) {
        const Answer answer = Call(method, role);
        ++calls;
        if (answer.status.ok()) answered_ok[method.name()]++;
        std::cerr << method.name() << " as " << role << ": "
                  << answer.status.error_code() << " "
                  << answer.status.error_message() << "\n";  // for the log
        for (const char* needle : kNeedles) {
          EXPECT_FALSE(absl::StrContains(answer.status.error_message(), needle))
              << method.full_name() << " as " << role << ": "
              << answer.status.error_message();
          for (const std::string& message : answer.messages) {
            EXPECT_FALSE(absl::StrContains(message, needle))
                << method.full_name() << " as " << role << " shows " << needle;
          }
        }
      }
    }
  }
  // 6 dosing + 24 sessions + 8 analytics + 2 gateway
  EXPECT_EQ(calls, 3 * 40);
  // The test reaches the data: these answer each role that may call them.
  for (const char* method :
       {"GetStudy", "GetPatient", "GetSession", "ListSessions"})
    EXPECT_EQ(answered_ok[method], 3) << method;
  EXPECT_EQ(answered_ok["VerifySession"], 2);  // clinician, researcher
  for (const char* method :
       {"StreamEvents", "ExportStudy", "ComputeStudyOutcomes",
        "AnalyzeBaselinePredictors"})
    EXPECT_EQ(answered_ok[method], 1) << method;  // researcher
  EXPECT_EQ(answered_ok["EnrollPatient"], 1);     // clinician (then replayed)

  // The scan would see an arm: pharmacy's answer holds one.
  const Answer pharmacy =
      Call(*services[1]->FindMethodByName("GetPatient"), "pharmacy");
  ASSERT_TRUE(pharmacy.status.ok()) << pharmacy.status.error_message();
  EXPECT_TRUE(absl::StrContains(pharmacy.messages.at(0), kNeedles[0]) ||
              absl::StrContains(pharmacy.messages.at(0), kNeedles[1]));
}

// ExportStudy above runs one format; every format (found from the enum, so a
// new one is checked as soon as it exists) must conceal the arms as well.
TEST_F(ConcealmentTest, EveryExportFormatConcealsTheArms) {
  auto stub = sv1::SessionLogService::NewStub(
      Channel("kip.sessions.v1.SessionLogService"));
  const google::protobuf::EnumDescriptor* formats =
      sv1::ExportFormat_descriptor();
  int exported = 0;
  for (int i = 0; i < formats->value_count(); ++i) {
    const auto format =
        static_cast<sv1::ExportFormat>(formats->value(i)->number());
    if (format == sv1::EXPORT_FORMAT_UNSPECIFIED) continue;
    sv1::ExportStudyRequest request;
    request.set_study_id("C1");
    request.set_format(format);
    auto context = auth_.Context("researcher");
    auto reader = stub->ExportStudy(context.get(), request);
    std::string text;
    sv1::ExportStudyResponse chunk;
    while (reader->Read(&chunk)) absl::StrAppend(&text, chunk.csv_chunk());
    const grpc::Status status = reader->Finish();
    ASSERT_TRUE(status.ok())
        << formats->value(i)->name() << ": " << status.error_message();
    EXPECT_THAT(text, ::testing::HasSubstr("C1")) << formats->value(i)->name();
    for (const char* needle : kNeedles) {
      EXPECT_FALSE(absl::StrContains(text, needle))
          << formats->value(i)->name() << " shows " << needle;
    }
    ++exported;
  }
  EXPECT_EQ(exported, 4);  // CSV, SDTM, ODM, FHIR
}

TEST_F(ConcealmentTest, GuessingAnArmGetsTheSameAnswerRightOrWrong) {
  auto sessions = sv1::SessionLogService::NewStub(
      Channel("kip.sessions.v1.SessionLogService"));
  auto analytics = kip::analytics::v1::AnalyticsService::NewStub(
      Channel("kip.analytics.v1.AnalyticsService"));
  std::vector<std::string> answers;
  for (const std::string& guess :
       {std::string(kNeedles[0]), std::string("x")}) {
    sv1::EnrollPatientRequest enroll;
    *enroll.mutable_patient() = sessions::testing::MakePatient("C1", "P9");
    enroll.mutable_patient()->set_arm_id(guess);
    sv1::EnrollPatientResponse enrolled;
    grpc::Status status = sessions->EnrollPatient(
        auth_.Context("clinician").get(), enroll, &enrolled);
    answers.push_back(absl::StrCat(
        status.error_code(), " ",
        absl::StrReplaceAll(status.error_message(), {{guess, "GUESS"}})));
    kip::analytics::v1::ComputeStudyOutcomesRequest outcomes;
    outcomes.set_study_id("C1");
    outcomes.set_outcome(kip::analytics::v1::PAIN_CHANGE_END_OF_COURSE);
    outcomes.set_treatment_arm_id(guess);
    outcomes.set_control_arm_id(guess == "x" ? "y" : kNeedles[1]);
    kip::analytics::v1::ComputeStudyOutcomesResponse response;
    status = analytics->ComputeStudyOutcomes(auth_.Context("researcher").get(),
                                             outcomes, &response);
    answers.push_back(
        absl::StrCat(status.error_code(), " ", status.error_message()));
  }
  EXPECT_EQ(answers[0], answers[2]);
  EXPECT_EQ(answers[1], answers[3]);
  EXPECT_THAT(answers[1], ::testing::HasSubstr("blinded"));
}

}  // namespace
}  // namespace kip
