// The pump gateway end to end, on SQLite and PostgreSQL: a real
// gateway_server between a pump server speaking MLLP (this test) and a real
// sessions server. A scripted pump (delivery start, a new rate, pause,
// resume, an alarm, completion) sent twice arrives once, in order, in mg/h
// from the session's concentration; an unknown pump is kept in the
// quarantine and answered AE, listed over gRPC byte for byte; garbage,
// truncated and oversized frames are refused by name with the connection
// kept.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "kip/gateway/v1/gateway.grpc.pb.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "services/common/testing/test_pki.h"
#include "services/gateway/hl7/er7.h"
#include "services/gateway/testing/pump_messages.h"
#include "services/sessions/store/row_codec.h"
#include "tests/integration/cli_run.h"
#include "tests/integration/fake_pump_server.h"
#include "tests/integration/mllp_client.h"
#include "tests/integration/running_session.h"
#include "tests/integration/server_process.h"
#include "tests/integration/sessions_on_backend.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace gv1 = kip::gateway::v1;
namespace sv1 = kip::sessions::v1;
using gateway::testing::kTestPump;
using gateway::testing::PumpAlarmMessage;
using gateway::testing::PumpEventMessage;
using Obs = gateway::testing::PumpObservation;
using ::testing::HasSubstr;

std::string AckCode(const absl::StatusOr<std::string>& ack) {
  if (!ack.ok()) return ack.status().ToString();
  auto parsed = hl7::Parse(*ack);
  return parsed.ok() && parsed->Find("MSA") != nullptr
             ? parsed->Find("MSA")->Get(1)
             : "unparseable ACK: " + *ack;
}

class GatewayTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto sessions =
        testing::StartSessionsOnBackend(GetParam(), {auth_.PublicKeyFlag()});
    ASSERT_TRUE(sessions.ok()) << sessions.status();
    sessions_ = std::make_unique<testing::ServerProcess>(std::move(*sessions));
    stub_ = sv1::SessionLogService::NewStub(grpc::CreateChannel(
        sessions_->address(), grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(
        testing::CreateStudyS1WithPatientP1(*stub_, auth_.AsRole()).ok());
    const std::string dir = absl::StrCat(getenv("TEST_TMPDIR"), "/gateway-",
                                         sessions::testing::NewUuid());
    const std::string token_file = dir + ".token";
    std::ofstream(token_file) << auth_.Token("device") << "\n";
    mllp_port_file_ = dir + ".mllp";
    auto dosing = testing::ServerProcess::Start(
        "services/dosing/dosing_server",
        {auth_.PublicKeyFlag(), "--sessions_address=" + sessions_->address()},
        "dosing");
    ASSERT_TRUE(dosing.ok()) << dosing.status();
    dosing_ = std::make_unique<testing::ServerProcess>(std::move(*dosing));
    auto pump_server = testing::FakePumpServer::Start();
    ASSERT_TRUE(pump_server.ok()) << pump_server.status();
    pump_server_ = *std::move(pump_server);
    gateway_args_ = {auth_.PublicKeyFlag(),
                     "--dosing_address=" + dosing_->address(),
                     "--pump_server_address=" + pump_server_->address(),
                     "--data_dir=" + dir,
                     "--sessions_address=" + sessions_->address(),
                     "--sessions_token_file=" + token_file,
                     "--mllp_port=0",
                     "--mllp_port_file=" + mllp_port_file_,
                     "--max_hl7_message_bytes=8192"};
    ASSERT_NO_FATAL_FAILURE(StartGateway());
  }

  void StartGateway() {
    std::remove(mllp_port_file_.c_str());
    auto gateway = testing::ServerProcess::Start(
        "services/gateway/gateway_server", gateway_args_, "gateway");
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = std::make_unique<testing::ServerProcess>(std::move(*gateway));
    std::ifstream(mllp_port_file_) >> mllp_port_;
    ASSERT_GT(mllp_port_, 0);
  }

  // A session of P1 on the test pump, with a 2 mg/mL bag, started an hour
  // ago.
  std::string StartPumpSession() {
    sv1::StartSessionRequest start;
    *start.mutable_session() = sessions::testing::MakeSession("S1", "P1");
    start.mutable_session()->set_device_id(kTestPump);
    start.mutable_session()->set_concentration_mg_per_ml(2);
    start.mutable_session()->set_care_area(kip::common::v1::OUTPATIENT_PAIN);
    *start.mutable_session()->mutable_start_time() =
        sessions::ToTimestamp(absl::Now() - absl::Hours(1));
    sv1::StartSessionResponse started;
    grpc::Status status =
        stub_->StartSession(auth_.Context("device").get(), start, &started);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return started.session().session_id();
  }

  std::vector<sv1::Event> Events(const std::string& session_id) {
    sv1::GetSessionRequest get;
    get.set_session_id(session_id);
    sv1::GetSessionResponse logged;
    grpc::Status status =
        stub_->GetSession(auth_.Context("clinician").get(), get, &logged);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {logged.events().begin(), logged.events().end()};
  }

  gv1::ListQuarantineResponse Quarantine(const std::string& role,
                                         grpc::Status* status = nullptr) {
    auto stub = gv1::GatewayService::NewStub(grpc::CreateChannel(
        gateway_->address(), grpc::InsecureChannelCredentials()));
    gv1::ListQuarantineResponse response;
    grpc::Status s = stub->ListQuarantine(
        auth_.Context(role).get(), gv1::ListQuarantineRequest(), &response);
    if (status != nullptr) *status = s;
    return response;
  }

  const testing::TestAuth auth_;
  std::unique_ptr<testing::ServerProcess> sessions_, dosing_, gateway_;
  std::unique_ptr<testing::FakePumpServer> pump_server_;
  std::unique_ptr<sv1::SessionLogService::Stub> stub_;
  std::string mllp_port_file_;
  std::vector<std::string> gateway_args_;
  int mllp_port_ = 0;
};

TEST_P(GatewayTest, AScriptedPumpSentTwiceArrivesOnceInOrder) {
  const std::string session_id = StartPumpSession();
  const absl::Time t0 = absl::Now() - absl::Minutes(50);
  // 12.25 mL/h of 2 mg/mL = 24.5 mg/h (0.35 mg/kg/h for 70 kg); then
  // 17.5 mL/h = 35 mg/h.
  const std::vector<std::string> feed = {
      PumpEventMessage("C1", t0, {"START", "infusing", 12.25, 2}, "P1"),
      PumpEventMessage("C2", t0 + absl::Minutes(10), {"", "infusing", 17.5},
                       "P1"),
      PumpEventMessage("C3", t0 + absl::Minutes(20), {"STOP", "paused", 0},
                       "P1"),
      PumpEventMessage("C4", t0 + absl::Minutes(25),
                       {"START", "infusing", 17.5, 2}, "P1"),
      PumpAlarmMessage("C5", t0 + absl::Minutes(30), "start", "P1"),
      PumpEventMessage("C6", t0 + absl::Minutes(40),
                       {"COMP", "vtbi-complete", 0}, "P1"),
  };
  auto pump = testing::MllpClient::Connect(mllp_port_);
  ASSERT_TRUE(pump.ok()) << pump.status();
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& message : feed) {
      const absl::StatusOr<std::string> ack = pump->Send(message);
      EXPECT_EQ(AckCode(ack), "AA") << ack.value_or("");
    }
  }
  const std::vector<sv1::Event> events = Events(session_id);
  ASSERT_EQ(events.size(), 6u);
  ASSERT_TRUE(events[0].has_infusion_started());
  EXPECT_DOUBLE_EQ(events[0].infusion_started().rate_mg_per_h(), 24.5);
  EXPECT_DOUBLE_EQ(events[0].infusion_started().rate_ml_per_h(), 12.25);
  EXPECT_EQ(events[0].infusion_started().care_area(),
            kip::common::v1::OUTPATIENT_PAIN);  // the session's
  ASSERT_TRUE(events[1].has_rate_changed());
  EXPECT_DOUBLE_EQ(events[1].rate_changed().rate_mg_per_h(), 35);
  EXPECT_TRUE(events[2].has_infusion_paused());
  EXPECT_TRUE(events[3].has_infusion_resumed());
  ASSERT_TRUE(events[4].has_pump_alarm());
  EXPECT_EQ(events[4].pump_alarm().name(), "MDC_EVT_FLUID_LINE_OCCL");
  EXPECT_TRUE(events[5].has_infusion_stopped());
  EXPECT_EQ(sessions::ToTimestamp(t0).seconds(),
            events[0].device_time().seconds());
  EXPECT_EQ(Quarantine("admin").messages_size(), 0);
}

TEST_P(GatewayTest, MutualTlsOnlyWhenTheGatewayHasACertificate) {
  const testing::TestPki pki = testing::NewTestPki();
  const testing::MllpTlsClientFiles pump_files = {
      testing::WriteTempFile("mllp-ca.pem", pki.ca.cert_pem),
      testing::WriteTempFile("pump-server.pem", pki.client.cert_pem),
      testing::WriteTempFile("pump-server.key", pki.client.key_pem)};
  gateway_args_.push_back(
      "--mllp_tls_cert=" +
      testing::WriteTempFile("gw.pem", pki.server.cert_pem));
  gateway_args_.push_back("--mllp_tls_key=" +
                          testing::WriteTempFile("gw.key", pki.server.key_pem));
  gateway_args_.push_back("--mllp_client_ca=" + pump_files.ca_path);
  gateway_.reset();
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  const std::string session_id = StartPumpSession();
  const absl::Time t0 = absl::Now() - absl::Minutes(5);

  auto pump = testing::MllpClient::ConnectTls(mllp_port_, pump_files);
  ASSERT_TRUE(pump.ok()) << pump.status();
  EXPECT_EQ(AckCode(pump->Send(PumpEventMessage(
                "T1", t0, {"START", "infusing", 12.25, 2}, "P1"))),
            "AA");
  // Plaintext, and TLS without a client certificate, get no answer.
  auto plain = testing::MllpClient::Connect(mllp_port_);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_FALSE(
      plain->Send(PumpEventMessage("T2", t0, {"", "infusing", 17.5}, "P1"))
          .ok());
  auto anonymous =
      testing::MllpClient::ConnectTls(mllp_port_, {pump_files.ca_path, "", ""});
  if (anonymous.ok()) {
    EXPECT_FALSE(
        anonymous
            ->Send(PumpEventMessage("T3", t0, {"", "infusing", 17.5}, "P1"))
            .ok());
  }
  // The pump server's connection is unharmed; only its message landed.
  EXPECT_EQ(AckCode(pump->Send(PumpEventMessage("T4", t0 + absl::Minutes(1),
                                                {"STOP", "paused", 0}, "P1"))),
            "AA");
  const std::vector<sv1::Event> events = Events(session_id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_DOUBLE_EQ(events[0].infusion_started().rate_mg_per_h(), 24.5);
  EXPECT_TRUE(events[1].has_infusion_paused());
}

// The gateway keeps each pump's session between messages: a session started
// later on the same pump (the next patient) still takes the pump's next
// messages, and events another device logs meanwhile are seen.
TEST_P(GatewayTest, ANewSessionOnThePumpTakesItsNextMessages) {
  const std::string first = StartPumpSession();
  auto pump = testing::MllpClient::Connect(mllp_port_);
  ASSERT_TRUE(pump.ok()) << pump.status();
  const absl::Time t0 = absl::Now() - absl::Minutes(50);
  EXPECT_EQ(AckCode(pump->Send(PumpEventMessage(
                "N1", t0, {"START", "infusing", 12.25, 2}, "P1"))),
            "AA");
  // The tablet stops the first infusion; the pump's next report is a new
  // start, in the second session.
  sv1::AppendEventsRequest stop;
  sv1::Event* e = stop.add_events();
  e->set_event_id(sessions::testing::NewUuid());
  e->set_session_id(first);
  *e->mutable_device_time() = sessions::ToTimestamp(t0 + absl::Minutes(5));
  e->mutable_infusion_stopped();
  sv1::AppendEventsResponse acks;
  ASSERT_TRUE(
      stub_->AppendEvents(auth_.Context("device").get(), stop, &acks).ok());
  sv1::StartSessionRequest start;
  *start.mutable_session() = sessions::testing::MakeSession("S1", "P1", "c2");
  start.mutable_session()->set_device_id(kTestPump);
  start.mutable_session()->set_concentration_mg_per_ml(2);
  *start.mutable_session()->mutable_start_time() =
      sessions::ToTimestamp(t0 + absl::Minutes(10));
  sv1::StartSessionResponse started;
  ASSERT_TRUE(
      stub_->StartSession(auth_.Context("device").get(), start, &started).ok());
  EXPECT_EQ(
      AckCode(pump->Send(PumpEventMessage(
          "N2", t0 + absl::Minutes(20), {"START", "infusing", 17.5, 2}, "P1"))),
      "AA");
  EXPECT_EQ(Events(first).size(), 2u);  // start, the tablet's stop
  const std::vector<sv1::Event> second = Events(started.session().session_id());
  ASSERT_EQ(second.size(), 1u);
  EXPECT_DOUBLE_EQ(second[0].infusion_started().rate_mg_per_h(), 35);
}

TEST_P(GatewayTest, AnUnknownPumpIsKeptAndListedNeverDropped) {
  auto pump = testing::MllpClient::Connect(mllp_port_);
  ASSERT_TRUE(pump.ok()) << pump.status();
  const std::string message =
      PumpEventMessage("C9", absl::Now() - absl::Minutes(1),
                       {"START", "infusing", 10, 2}, "P1", "00AA00AA00AA00AA");
  EXPECT_EQ(AckCode(pump->Send(message)), "AE");
  const gv1::ListQuarantineResponse kept = Quarantine("clinician");
  ASSERT_EQ(kept.messages_size(), 1);
  EXPECT_EQ(kept.messages(0).message(), message);
  EXPECT_EQ(kept.messages(0).device_id(), "00AA00AA00AA00AA");
  EXPECT_EQ(kept.messages(0).control_id(), "C9");
  EXPECT_THAT(kept.messages(0).reason(), HasSubstr("no running session"));
  grpc::Status status;
  Quarantine("researcher", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const std::string kipctl =
      absl::StrCat("sdk/kipctl/kipctl --gateway=", gateway_->address(),
                   " gateway quarantine ");
  testing::CliRun cli = testing::RunCli(
      absl::StrCat(kipctl, "--messages --token=", auth_.Token("admin")));
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  EXPECT_THAT(cli.out, HasSubstr("1 message(s) kept for review"));
  EXPECT_THAT(cli.out, HasSubstr("pump 00AA00AA00AA00AA  control id C9"));
  EXPECT_THAT(cli.out, HasSubstr("\nPID|||MRN-1^^^H^MR~P1^^^KIP^PI\n"));
  cli = testing::RunCli(absl::StrCat(
      kipctl, "--device=0012210000000000 --token=", auth_.Token("clinician")));
  EXPECT_THAT(cli.out, HasSubstr("0 message(s)"));
  cli = testing::RunCli(
      absl::StrCat(kipctl, "--token=", auth_.Token("researcher")));
  EXPECT_EQ(cli.exit_status, 1);
  EXPECT_THAT(cli.err, HasSubstr("may not call"));
}

TEST_P(GatewayTest, BadFramesAreRefusedByNameAndTheConnectionKept) {
  StartPumpSession();
  auto pump = testing::MllpClient::Connect(mllp_port_);
  ASSERT_TRUE(pump.ok()) << pump.status();
  auto ack = pump->Send("this is not HL7");
  EXPECT_EQ(AckCode(ack), "AR");
  // A frame cut short by the next one: refused, the next one answered.
  ASSERT_TRUE(pump->SendRaw("\x0bMSH|^~\\&|SRV||KIP").ok());
  ack = pump->Send(PumpEventMessage("C1", absl::Now() - absl::Minutes(5),
                                    {"START", "infusing", 12.25, 2}, "P1"));
  EXPECT_EQ(AckCode(ack), "AR");
  EXPECT_THAT(*ack, HasSubstr("truncated"));
  EXPECT_EQ(AckCode(pump->ReadAck()), "AA");
  // Over --max_hl7_message_bytes: refused by name.
  ack = pump->Send("MSH|^~\\&|" + std::string(20000, 'x'));
  EXPECT_EQ(AckCode(ack), "AR");
  EXPECT_THAT(*ack, HasSubstr("over the limit of 8192 bytes"));
  // Bytes outside a frame are skipped; the connection still works.
  ASSERT_TRUE(pump->SendRaw("noise").ok());
  EXPECT_EQ(AckCode(pump->Send(PumpAlarmMessage(
                "C2", absl::Now() - absl::Minutes(4), "start", "P1"))),
            "AA");
}

// kill -9 of the gateway in the middle of a feed: the pump server resends
// what was not acknowledged (and, not knowing, some that was): every event
// lands once, in order, and what was kept before the kill is still kept.
TEST_P(GatewayTest, AKilledGatewayLosesNothingAndDuplicatesNothing) {
  const std::string session_id = StartPumpSession();
  const absl::Time t0 = absl::Now() - absl::Minutes(50);
  const std::vector<std::string> feed = {
      PumpEventMessage("K1", t0, {"START", "infusing", 12.25, 2}, "P1"),
      PumpEventMessage("K2", t0 + absl::Minutes(5), {"", "infusing", 15}, "P1"),
      PumpEventMessage("K3", t0 + absl::Minutes(10), {"", "infusing", 17.5},
                       "P1"),
      PumpEventMessage("K4", t0 + absl::Minutes(20), {"STOP", "paused", 0},
                       "P1"),
      PumpEventMessage("K5", t0 + absl::Minutes(25),
                       {"START", "infusing", 17.5, 2}, "P1"),
      PumpEventMessage("K6", t0 + absl::Minutes(40),
                       {"COMP", "vtbi-complete", 0}, "P1"),
  };
  const std::string stray = PumpEventMessage(
      "K0", t0, {"START", "infusing", 1, 2}, "P1", "00BB00BB00BB00BB");
  {
    auto pump = testing::MllpClient::Connect(mllp_port_);
    ASSERT_TRUE(pump.ok()) << pump.status();
    EXPECT_EQ(AckCode(pump->Send(stray)), "AE");
    EXPECT_EQ(AckCode(pump->Send(feed[0])), "AA");
    EXPECT_EQ(AckCode(pump->Send(feed[1])), "AA");
    // The third goes out and the gateway dies before (or while) answering.
    ASSERT_TRUE(pump->SendRaw("\x0b" + feed[2] + "\x1c\r").ok());
    gateway_->SignalAndWait(SIGKILL, absl::Seconds(5));
  }
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto pump = testing::MllpClient::Connect(mllp_port_);
  ASSERT_TRUE(pump.ok()) << pump.status();
  for (size_t i = 1; i < feed.size(); ++i) {  // resent from the second
    EXPECT_EQ(AckCode(pump->Send(feed[i])), "AA") << i;
  }
  const std::vector<sv1::Event> events = Events(session_id);
  ASSERT_EQ(events.size(), 6u);
  EXPECT_TRUE(events[0].has_infusion_started());
  EXPECT_DOUBLE_EQ(events[1].rate_changed().rate_mg_per_h(), 30);
  EXPECT_DOUBLE_EQ(events[2].rate_changed().rate_mg_per_h(), 35);
  EXPECT_TRUE(events[3].has_infusion_paused());
  EXPECT_TRUE(events[4].has_infusion_resumed());
  EXPECT_TRUE(events[5].has_infusion_stopped());
  const gv1::ListQuarantineResponse kept = Quarantine("admin");
  ASSERT_EQ(kept.messages_size(), 1);
  EXPECT_EQ(kept.messages(0).message(), stray);
}

// Verified orders (PCD-03): an approved programme goes to the pump server as
// RGV^O15 with the approved rate, and the order with its answers is logged;
// a refused one is never sent (dosing logs its alert); the pump server's own
// refusal is logged too.
TEST_P(GatewayTest, OnlyAnApprovedProgrammeIsSentToThePump) {
  const std::string session_id = StartPumpSession();
  auto stub = gv1::GatewayService::NewStub(grpc::CreateChannel(
      gateway_->address(), grpc::InsecureChannelCredentials()));
  auto order = [&](double mg_per_h, gv1::SendOrderResponse* response) {
    gv1::SendOrderRequest request;
    request.set_session_id(session_id);
    auto* program = request.mutable_program();
    program->set_protocol_id("bosma-2018");
    program->mutable_patient()->set_weight_kg(70);
    program->set_concentration_mg_per_ml(2);  // the session's bag
    program->set_care_area(kip::common::v1::OUTPATIENT_PAIN);
    program->mutable_program()->set_rate_mg_per_h(mg_per_h);
    program->mutable_program()->set_duration_min(60);
    return stub->SendOrder(auth_.Context("clinician").get(), request, response);
  };
  gv1::SendOrderResponse sent;
  grpc::Status status = order(35, &sent);  // 0.5 mg/kg/h for 70 kg
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(sent.verdict().approved());
  EXPECT_EQ(sent.order().commit_ack(), "CA");
  EXPECT_EQ(sent.order().application_ack(), "AA");
  ASSERT_EQ(pump_server_->Orders().size(), 1u);
  auto rgv = hl7::Parse(pump_server_->Orders()[0]);
  ASSERT_TRUE(rgv.ok()) << rgv.status();
  EXPECT_EQ(rgv->Find("RXG")->Get(15), "17.5");  // mL/h of 2 mg/mL
  EXPECT_EQ(rgv->Find("PID")->Get(3), "P1");
  EXPECT_EQ(rgv->Find("OBX")->Get(18, 3), kTestPump);

  gv1::SendOrderResponse refused;
  status = order(150, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("nothing was sent"));
  EXPECT_EQ(pump_server_->Orders().size(), 1u);

  pump_server_->Answer("AR", "9010^Unable to match medication to drug library");
  gv1::SendOrderResponse rejected;
  status = order(35, &rejected);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(rejected.order().application_ack(), "AR");
  EXPECT_EQ(rejected.order().pump_server_error(),
            "Unable to match medication to drug library");

  std::vector<std::string> logged;
  for (const sv1::Event& e : Events(session_id)) {
    if (e.has_pump_order()) logged.push_back(e.pump_order().application_ack());
    if (e.has_drug_library_alert()) logged.push_back("alert");
  }
  EXPECT_THAT(logged, ::testing::ElementsAre("AA", "alert", "AR"));

  // The same through kipctl: the refusal names the server's reason (exit 1),
  // an approved and accepted order exits 0, a refused programme 2.
  const std::string kipctl = absl::StrCat(
      "sdk/kipctl/kipctl --gateway=", gateway_->address(),
      " --token=", auth_.Token("clinician"), " gateway order --session ",
      session_id,
      " --protocol bosma-2018 --weight-kg 70 --concentration-mg-per-ml 2 "
      "--duration-min 60 --rate-mg-per-h ");
  testing::CliRun cli = testing::RunCli(kipctl + "35");
  EXPECT_EQ(cli.exit_status, 1) << cli.err;
  EXPECT_THAT(cli.out, HasSubstr("Unable to match medication to drug library"));
  pump_server_->Answer("AA", "");
  cli = testing::RunCli(kipctl + "35 --json");
  EXPECT_EQ(cli.exit_status, 0) << cli.err;
  EXPECT_THAT(cli.out, HasSubstr("\"accepted\": true"));
  cli = testing::RunCli(kipctl + "35");
  EXPECT_EQ(cli.exit_status, 0) << cli.err;
  EXPECT_THAT(cli.out, HasSubstr("17.50 mL/h (35.00 mg/h at 2 mg/mL)"));
  EXPECT_THAT(cli.out, HasSubstr("pump server: CA, AA"));
  cli = testing::RunCli(kipctl + "150");
  EXPECT_EQ(cli.exit_status, 2);
  EXPECT_THAT(cli.err, HasSubstr("nothing was sent"));
  EXPECT_EQ(pump_server_->Orders().size(), 5u);  // 2 above, 3 here
  // Only clinicians program pumps.
  gv1::SendOrderRequest request;
  request.set_session_id(session_id);
  gv1::SendOrderResponse denied;
  EXPECT_EQ(stub->SendOrder(auth_.Context("device").get(), request, &denied)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

INSTANTIATE_TEST_SUITE_P(Stores, GatewayTest,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kip
