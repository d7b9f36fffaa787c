// HL7 messages per second through a real gateway_server (on a real
// sessions_server, SQLite WAL + synchronous=FULL), beside the baseline of a
// bare MLLP echo (the same listener code answering a fixed ACK) measured in
// the same run, as a ratio. One pump-server connection sending one message
// at a time and waiting for its ACK, as pump servers do.
//
//   bazel run -c opt //tests/bench:gateway_bench [-- --seconds=3]
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>
#include <functional>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "services/gateway/mllp_server.h"
#include "services/gateway/testing/pump_messages.h"
#include "services/sessions/store/row_codec.h"
#include "tests/integration/mllp_client.h"
#include "tests/integration/running_session.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/session_records.h"

ABSL_FLAG(double, seconds, 3, "measuring time per figure");

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;
using gateway::testing::PumpEventMessage;

// Messages answered per second; `message(i)` is the i-th message sent.
double MessagesPerSecond(int port,
                         const std::function<std::string(int)>& message,
                         int* not_accepted) {
  auto client = testing::MllpClient::Connect(port);
  if (!client.ok()) return 0;
  const absl::Time start = absl::Now();
  const absl::Time end = start + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  int sent = 0;
  while (absl::Now() < end) {
    const absl::StatusOr<std::string> ack = client->Send(message(sent++));
    if (!ack.ok() || !absl::StrContains(*ack, "MSA|AA|")) ++*not_accepted;
  }
  return sent / absl::ToDoubleSeconds(absl::Now() - start);
}

int Main() {
  const std::string dir =
      absl::StrCat(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp",
                   "/gateway-bench-", sessions::testing::NewUuid());
  const testing::TestAuth auth;
  auto sessions = testing::ServerProcess::Start(
      "services/sessions/sessions_server",
      {auth.PublicKeyFlag(), "--data_dir=" + dir + "/sessions"},
      "sessions-bench");
  if (!sessions.ok()) {
    std::fprintf(stderr, "%s\n", sessions.status().ToString().c_str());
    return 1;
  }
  auto stub = sv1::SessionLogService::NewStub(grpc::CreateChannel(
      sessions->address(), grpc::InsecureChannelCredentials()));
  if (!testing::CreateStudyS1WithPatientP1(*stub, auth.AsRole()).ok()) return 1;
  sv1::StartSessionRequest start;
  *start.mutable_session() = sessions::testing::MakeSession("S1", "P1");
  start.mutable_session()->set_device_id(gateway::testing::kTestPump);
  start.mutable_session()->set_concentration_mg_per_ml(2);
  *start.mutable_session()->mutable_start_time() =
      sessions::ToTimestamp(absl::Now() - absl::Hours(2));
  sv1::StartSessionResponse started;
  if (!stub->StartSession(auth.Context("device").get(), start, &started).ok())
    return 1;
  const std::string token_file = dir + ".token";
  std::ofstream(token_file) << auth.Token("device") << "\n";
  const std::string port_file = dir + ".mllp";
  auto gateway_server = testing::ServerProcess::Start(
      "services/gateway/gateway_server",
      {auth.PublicKeyFlag(), "--data_dir=" + dir + "/gateway",
       "--sessions_address=" + sessions->address(),
       "--sessions_token_file=" + token_file, "--mllp_port=0",
       "--mllp_port_file=" + port_file},
      "gateway-bench");
  if (!gateway_server.ok()) {
    std::fprintf(stderr, "%s\n", gateway_server.status().ToString().c_str());
    return 1;
  }
  int gateway_port = 0;
  std::ifstream(port_file) >> gateway_port;

  const std::string fixed_ack =
      "MSH|^~\\&|KIP_GATEWAY||||20261124000000+0000||ACK^R42^ACK|1|P|2.6\r"
      "MSA|AA|1\r";
  auto echo = gateway::MllpServer::Start(
      {}, [&](absl::string_view) { return fixed_ack; },
      [&](const absl::Status&) { return fixed_ack; });
  if (!echo.ok()) return 1;

  const absl::Time t0 = absl::Now() - absl::Minutes(90);
  int refused = 0;
  // A START first, then PCD-01 reports alternating between two rates: each a
  // new rate_changed event in the session.
  auto rate_report = [&](const std::string& prefix, int i) {
    if (i == 0)
      return PumpEventMessage(prefix + "0", t0, {"START", "infusing", 12.25, 2},
                              "P1");
    return PumpEventMessage(absl::StrCat(prefix, i), t0 + absl::Milliseconds(i),
                            {"", "infusing", i % 2 ? 17.5 : 12.25}, "P1");
  };
  const double bare = MessagesPerSecond(
      (*echo)->port(), [&](int i) { return rate_report("E", i); }, &refused);
  const double logged = MessagesPerSecond(
      gateway_port, [&](int i) { return rate_report("R", i); }, &refused);
  // The same messages again: each found already logged (a resent feed).
  const double resent = MessagesPerSecond(
      gateway_port, [&](int i) { return rate_report("R", i); }, &refused);
  int quarantined = 0;  // answered AE by design
  const double unknown = MessagesPerSecond(
      gateway_port,
      [&](int i) {
        return PumpEventMessage(absl::StrCat("U", i), t0, {"", "infusing", 10},
                                "P1", "00AA00AA00AA00AA");
      },
      &quarantined);
  // What the sessions store costs on its own: the same event appended by a
  // device directly, one per call.
  const std::string session_id = started.session().session_id();
  const absl::Time append_start = absl::Now();
  int appended = 0;
  while (absl::Now() <
         append_start + absl::Seconds(absl::GetFlag(FLAGS_seconds))) {
    sv1::AppendEventsRequest append;
    sv1::Event* e = append.add_events();
    e->set_event_id(sessions::testing::NewUuid());
    e->set_session_id(session_id);
    *e->mutable_device_time() = sessions::ToTimestamp(t0 + absl::Minutes(1));
    e->mutable_rate_changed()->set_rate_mg_per_h(++appended % 2 ? 35 : 24.5);
    sv1::AppendEventsResponse acks;
    if (!stub->AppendEvents(auth.Context("device").get(), append, &acks).ok())
      ++refused;
  }
  const double direct =
      appended / absl::ToDoubleSeconds(absl::Now() - append_start);
  std::printf(
      "gateway_server on sessions_server (SQLite WAL, FULL); one MLLP "
      "connection, one message at a time\n");
  std::printf("%-46s %10s %7s\n", "", "msgs/s", "ratio");
  std::printf("%-46s %10.0f %6.0f%%\n", "bare MLLP echo (baseline)", bare,
              100.0);
  std::printf("%-46s %10.0f %6.1f%%\n",
              "PCD-01 rate change -> rate_changed event", logged,
              100 * logged / bare);
  std::printf("%-46s %10.0f %6.1f%%\n",
              "  AppendEvents alone (the store's share)", direct,
              100 * direct / bare);
  std::printf("%-46s %10.0f %6.1f%%\n",
              "the same messages resent (nothing new)", resent,
              100 * resent / bare);
  std::printf("%-46s %10.0f %6.1f%%\n", "unknown pump -> quarantine + AE",
              unknown, 100 * unknown / bare);
  if (refused > 0)
    std::fprintf(stderr, "%d messages not answered AA\n", refused);
  return refused > 0 ? 1 : 0;
}

}  // namespace
}  // namespace kip

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return kip::Main();
}
