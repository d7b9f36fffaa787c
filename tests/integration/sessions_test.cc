// The sessions_server binary over a real gRPC channel, on SQLite and on a
// throwaway PostgreSQL (--store): every RPC end to end, roles, bad input,
// replays, streams, exports and the read audit.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "services/common/testing/test_pki.h"
#include "services/common/token_signer.h"
#include "services/sessions/log/checkpoint_signer.h"
#include "services/sessions/log/merkle.h"
#include "services/sessions/store/row_codec.h"
#include "tests/integration/server_process.h"
#include "tests/integration/sessions_on_backend.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace v1 = kip::sessions::v1;
using ::kip::sessions::testing::MakePatient;
using ::kip::sessions::testing::MakeSession;
using ::kip::sessions::testing::MakeStudy;
using ::kip::sessions::testing::PainEvent;
using ::kip::testing::ServerProcess;
using ::testing::HasSubstr;

class SessionsServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    testing::KeyPair keys = testing::NewEcP256KeyPair();
    signer_ = std::make_unique<TokenSigner>(
        *TokenSigner::FromPrivateKeyPem(keys.private_pem));
    const std::string key_path =
        testing::WriteTempFile("auth.pub", keys.public_pem);
    auto server = testing::StartSessionsOnBackend(
        GetParam(), {"--auth_public_key=" + key_path});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::make_unique<ServerProcess>(std::move(*server));
    stub_ = v1::SessionLogService::NewStub(grpc::CreateChannel(
        server_->address(), grpc::InsecureChannelCredentials()));
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& role,
                                          const std::string& site = "site-a") {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(20));
    auto token = signer_->Sign(
        {role + "-1", role, site, absl::Now() + absl::Hours(1), std::nullopt});
    context->AddMetadata("authorization", "Bearer " + *token);
    return context;
  }

  // Study S1, patient P1, one session; returns the session id.
  std::string Seed() {
    v1::CreateStudyRequest study;
    *study.mutable_study() = MakeStudy("S1");
    v1::CreateStudyResponse study_response;
    EXPECT_TRUE(
        stub_->CreateStudy(As("clinician").get(), study, &study_response).ok());
    v1::EnrollPatientRequest patient;
    *patient.mutable_patient() = MakePatient("S1", "P1");
    v1::EnrollPatientResponse patient_response;
    EXPECT_TRUE(
        stub_->EnrollPatient(As("clinician").get(), patient, &patient_response)
            .ok());
    v1::StartSessionRequest session;
    *session.mutable_session() = MakeSession("S1", "P1");
    v1::StartSessionResponse session_response;
    grpc::Status started =
        stub_->StartSession(As("device").get(), session, &session_response);
    EXPECT_TRUE(started.ok()) << started.error_message();
    return session_response.session().session_id();
  }

  std::unique_ptr<TokenSigner> signer_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::SessionLogService::Stub> stub_;
};

TEST_P(SessionsServerTest, ASessionIsLoggedVerifiedProvenAndDosedEndToEnd) {
  const std::string session_id = Seed();
  const absl::Time t0 = absl::Now() - absl::Hours(2);
  v1::AppendEventsRequest append;
  v1::Event start = PainEvent(session_id, 0, t0);
  start.clear_pain_score();
  start.mutable_infusion_started()->set_rate_mg_per_kg_per_h(0.35);
  start.mutable_infusion_started()->set_rate_mg_per_h(24.5);
  start.mutable_infusion_started()->set_concentration_mg_per_ml(1);
  *append.add_events() = start;
  *append.add_events() = PainEvent(session_id, 6, t0 + absl::Minutes(30));
  v1::Event stop = PainEvent(session_id, 0, t0 + absl::Hours(1));
  stop.clear_pain_score();
  stop.mutable_infusion_stopped()->set_reason("end of session");
  *append.add_events() = stop;
  v1::AppendEventsResponse acks;
  grpc::Status status = stub_->AppendEvents(As("device").get(), append, &acks);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(acks.acks_size(), 3);

  // Replay: same acknowledgement, nothing new.
  v1::AppendEventsResponse replay;
  ASSERT_TRUE(stub_->AppendEvents(As("device").get(), append, &replay).ok());
  EXPECT_TRUE(replay.acks(2).replayed());
  EXPECT_EQ(replay.acks(2).hash_hex(), acks.acks(2).hash_hex());

  v1::GetSessionRequest get;
  get.set_session_id(session_id);
  v1::GetSessionResponse session;
  ASSERT_TRUE(stub_->GetSession(As("clinician").get(), get, &session).ok());
  EXPECT_EQ(session.events_size(), 3);
  EXPECT_EQ(session.events(0).recorded_by(), "device-1");
  EXPECT_TRUE(session.session().has_end_time());
  // The researcher's view: the same events, staff identity withheld.
  v1::GetSessionResponse pseudonymous;
  ASSERT_TRUE(
      stub_->GetSession(As("researcher").get(), get, &pseudonymous).ok());
  ASSERT_EQ(pseudonymous.events_size(), 3);
  EXPECT_EQ(pseudonymous.events(0).recorded_by(), "[withheld]");
  EXPECT_EQ(pseudonymous.events(0).event_id(), session.events(0).event_id());

  v1::VerifySessionRequest verify;
  verify.set_session_id(session_id);
  v1::VerifySessionResponse verified;
  ASSERT_TRUE(
      stub_->VerifySession(As("researcher").get(), verify, &verified).ok());
  EXPECT_TRUE(verified.ok()) << verified.problem();

  v1::GetCumulativeDoseRequest dose_request;
  dose_request.set_session_id(session_id);
  v1::GetCumulativeDoseResponse dose;
  ASSERT_TRUE(
      stub_->GetCumulativeDose(As("device").get(), dose_request, &dose).ok());
  EXPECT_NEAR(dose.session_mg(), 24.5, 1e-6);  // 1 h at 24.5 mg/h

  v1::GetCheckpointResponse checkpoint;
  ASSERT_TRUE(
      stub_->GetCheckpoint(As("researcher").get(), {}, &checkpoint).ok());
  EXPECT_EQ(checkpoint.tree_size(), 3);
  EXPECT_TRUE(sessions::VerifyCheckpointSignature(
      checkpoint.public_key_pem(),
      sessions::CheckpointMessage(checkpoint.tree_size(),
                                  checkpoint.root_hash_hex(),
                                  sessions::ToAbslTime(checkpoint.time())),
      checkpoint.signature()));
  v1::GetInclusionProofRequest inclusion_request;
  inclusion_request.set_leaf_index(1);
  inclusion_request.set_tree_size(3);
  v1::GetInclusionProofResponse inclusion;
  ASSERT_TRUE(
      stub_
          ->GetInclusionProof(As("device").get(), inclusion_request, &inclusion)
          .ok());
  std::vector<std::string> path;
  for (const auto& h : inclusion.audit_path_hex())
    path.push_back(*sessions::HexDecode(h));
  EXPECT_TRUE(sessions::VerifyMerkleInclusion(
      sessions::MerkleLeafHash(*sessions::HexDecode(acks.acks(1).hash_hex())),
      1, 3, path, *sessions::HexDecode(checkpoint.root_hash_hex())));
}

TEST_P(SessionsServerTest, BadInputIsRefusedWithItsPathAndWritesNothing) {
  const std::string session_id = Seed();
  v1::AppendEventsRequest append;
  *append.add_events() = PainEvent(session_id, 4);
  *append.add_events() = PainEvent(session_id, 11);
  v1::AppendEventsResponse acks;
  grpc::Status status =
      stub_->AppendEvents(As("clinician").get(), append, &acks);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("events[1].pain_score.nrs: 11 is outside 0..10"));
  v1::GetSessionRequest get;
  get.set_session_id(session_id);
  v1::GetSessionResponse session;
  ASSERT_TRUE(stub_->GetSession(As("clinician").get(), get, &session).ok());
  EXPECT_EQ(session.events_size(), 0);
  // Researchers read; they never write.
  append.mutable_events()->RemoveLast();
  status = stub_->AppendEvents(As("researcher").get(), append, &acks);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::GetStudyRequest missing;
  missing.set_study_id("nope");
  v1::GetStudyResponse study;
  EXPECT_EQ(
      stub_->GetStudy(As("researcher").get(), missing, &study).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_P(SessionsServerTest, StreamsExportsAndTheReadAudit) {
  const std::string session_id = Seed();
  v1::AppendEventsRequest append;
  for (int i = 0; i < 4; ++i) *append.add_events() = PainEvent(session_id, i);
  v1::AppendEventsResponse acks;
  ASSERT_TRUE(stub_->AppendEvents(As("device").get(), append, &acks).ok());

  // A following stream sees the four, then one appended while it waits.
  auto stream_context = As("researcher");
  v1::StreamEventsRequest stream_request;
  stream_request.set_study_id("S1");
  stream_request.set_follow(true);
  auto reader = stub_->StreamEvents(stream_context.get(), stream_request);
  v1::StreamEventsResponse message;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(reader->Read(&message));
    EXPECT_EQ(message.event().global_index(), i);
  }
  // A note typed at the bedside may name someone: researchers get it
  // withheld, in the stream and in exports.
  v1::AppendEventsRequest later;
  *later.add_events() = PainEvent(session_id, 9);
  later.mutable_events(0)->mutable_note()->set_text("Mrs Smith's son called");
  ASSERT_TRUE(stub_->AppendEvents(As("device").get(), later, &acks).ok());
  ASSERT_TRUE(reader->Read(&message));
  EXPECT_EQ(message.event().global_index(), 4);
  EXPECT_EQ(message.event().note().text(), "[withheld]");
  stream_context->TryCancel();
  reader->Finish().IgnoreError();

  v1::ExportStudyRequest export_request;
  export_request.set_study_id("S1");
  export_request.set_format(v1::SDTM);
  auto export_context = As("researcher");
  auto exporter = stub_->ExportStudy(export_context.get(), export_request);
  std::map<std::string, std::string> tables;
  v1::ExportStudyResponse chunk;
  while (exporter->Read(&chunk))
    tables[chunk.table_name()] += chunk.csv_chunk();
  ASSERT_TRUE(exporter->Finish().ok());
  EXPECT_THAT(tables["QS"], HasSubstr("PAINNRS"));
  EXPECT_THAT(tables["DM"], HasSubstr("S1-P1"));
  export_request.set_format(v1::CSV_PER_EVENT_TYPE);
  auto csv_context = As("researcher");
  auto csv_exporter = stub_->ExportStudy(csv_context.get(), export_request);
  while (csv_exporter->Read(&chunk))
    tables["csv/" + chunk.table_name()] += chunk.csv_chunk();
  ASSERT_TRUE(csv_exporter->Finish().ok());
  EXPECT_THAT(tables["csv/notes"], HasSubstr("[withheld]"));
  for (const auto& [name, csv] : tables) {
    EXPECT_FALSE(absl::StrContains(csv, "Smith")) << name;
    EXPECT_FALSE(absl::StrContains(csv, "device-1")) << name;
  }

  v1::ListReadAuditResponse audit;
  ASSERT_TRUE(stub_->ListReadAudit(As("admin").get(), {}, &audit).ok());
  bool saw_export = false;
  for (const auto& entry : audit.entries()) {
    saw_export |=
        entry.method() == "ExportStudy" && entry.subject() == "researcher-1";
  }
  EXPECT_TRUE(saw_export);
  EXPECT_EQ(
      stub_->ListReadAudit(As("researcher").get(), {}, &audit).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

// A device or clinician of site B can neither read nor write site A's
// patients and sessions, and nothing is written; researchers (pseudonymous,
// multi-site studies) and admins read across sites.
TEST_P(SessionsServerTest, BedsideCallersStayInTheirSite) {
  const std::string session_id = Seed();  // site-a
  ASSERT_FALSE(session_id.empty());
  auto denied = [](const grpc::Status& status) {
    return status.error_code() == grpc::StatusCode::PERMISSION_DENIED &&
           absl::StrContains(status.error_message(), "site 'site-a'");
  };
  for (const std::string role : {"clinician", "device"}) {
    SCOPED_TRACE(role);
    v1::GetSessionRequest get;
    get.set_session_id(session_id);
    v1::GetSessionResponse got;
    EXPECT_TRUE(denied(stub_->GetSession(As(role, "site-b").get(), get, &got)));
    v1::GetPatientRequest patient;
    patient.set_study_id("S1");
    patient.set_patient_id("P1");
    v1::GetPatientResponse patient_response;
    EXPECT_TRUE(denied(stub_->GetPatient(As(role, "site-b").get(), patient,
                                         &patient_response)));
    v1::AppendEventsRequest append;
    *append.add_events() = PainEvent(session_id, 4);
    v1::AppendEventsResponse appended;
    EXPECT_TRUE(denied(
        stub_->AppendEvents(As(role, "site-b").get(), append, &appended)));
    v1::StartSessionRequest start;
    *start.mutable_session() = MakeSession("S1", "P1");
    v1::StartSessionResponse started;
    EXPECT_TRUE(
        denied(stub_->StartSession(As(role, "site-b").get(), start, &started)));
    v1::GetCumulativeDoseRequest dose;
    dose.set_session_id(session_id);
    v1::GetCumulativeDoseResponse dosed;
    EXPECT_TRUE(denied(
        stub_->GetCumulativeDose(As(role, "site-b").get(), dose, &dosed)));
  }
  v1::VerifySessionRequest verify;
  verify.set_session_id(session_id);
  v1::VerifySessionResponse verified;
  EXPECT_TRUE(denied(stub_->VerifySession(As("clinician", "site-b").get(),
                                          verify, &verified)));
  v1::ListSessionsRequest list;
  list.set_site_id("site-a");
  v1::ListSessionsResponse listed;
  EXPECT_EQ(stub_->ListSessions(As("clinician", "site-b").get(), list, &listed)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  list.clear_site_id();  // defaults to the caller's own site: none there
  ASSERT_TRUE(
      stub_->ListSessions(As("clinician", "site-b").get(), list, &listed).ok());
  EXPECT_EQ(listed.sessions_size(), 0);
  v1::EnrollPatientRequest enroll;
  *enroll.mutable_patient() = MakePatient("S1", "P2");  // site-a
  v1::EnrollPatientResponse enrolled;
  EXPECT_TRUE(denied(stub_->EnrollPatient(As("clinician", "site-b").get(),
                                          enroll, &enrolled)));

  // Nothing was written, and other roles and the own site still read it.
  v1::GetSessionRequest get;
  get.set_session_id(session_id);
  for (const auto& [role, site] :
       std::vector<std::pair<std::string, std::string>>{
           {"clinician", "site-a"},
           {"researcher", "site-b"},
           {"admin", "site-b"}}) {
    v1::GetSessionResponse got;
    ASSERT_TRUE(stub_->GetSession(As(role, site).get(), get, &got).ok())
        << role;
    EXPECT_EQ(got.events_size(), 0) << role;
  }
  v1::GetPatientRequest p2;
  p2.set_study_id("S1");
  p2.set_patient_id("P2");
  v1::GetPatientResponse p2_response;
  EXPECT_EQ(
      stub_->GetPatient(As("clinician").get(), p2, &p2_response).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

// The migration Job of the Kubernetes deployment: --migrate_only brings a
// fresh store's schema up and exits 0, twice in a row (idempotent), and a
// server then serves from it.
TEST_P(SessionsServerTest, MigrateOnlyPreparesAFreshStoreAndExits) {
  const std::string dir = absl::StrCat(getenv("TEST_TMPDIR"), "/migrate-",
                                       sessions::testing::NewUuid());
  std::string store = "sqlite:" + dir + ".db";
  if (GetParam() == "postgres") {
    auto dsn = testing::FreshPostgresDatabase();
    ASSERT_TRUE(dsn.ok()) << dsn.status();
    store = "postgres:" + *dsn;
  }
  const std::string key = testing::WriteTempFile(
      "migrate.pub", testing::NewEcP256KeyPair().public_pem);
  const std::string command = absl::StrCat(
      "services/sessions/sessions_server --migrate_only --auth_public_key=",
      key, " --data_dir=", dir, " '--store=", store, "' 2>", dir, ".log");
  for (int run = 0; run < 2; ++run) {
    const int status = std::system(command.c_str());
    std::ifstream log(dir + ".log");
    const std::string text((std::istreambuf_iterator<char>(log)), {});
    ASSERT_EQ(WEXITSTATUS(status), 0) << text;
    EXPECT_THAT(text, HasSubstr("schema of " + GetParam() + " is current"));
  }
  auto server = ServerProcess::Start(
      "services/sessions/sessions_server",
      {"--auth_public_key=" + key, "--data_dir=" + dir, "--store=" + store},
      "sessions-migrated");
  ASSERT_TRUE(server.ok()) << server.status();
}

INSTANTIATE_TEST_SUITE_P(Stores, SessionsServerTest,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kip
