// gateway_server: the KIP pump gateway. Pump servers send HL7 v2 (IHE PCD-01,
// PCD-10, PCD-04) over MLLP; each message becomes events of the pump's
// running session in the sessions service (through the SDK, with the
// gateway's own token) and is answered with an ACK; what cannot be applied
// waits in the quarantine, listed by kip.gateway.v1.GatewayService.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "base/file_util.h"
#include "base/uuid.h"
#include "sdk/cpp/clients.h"
#include "services/common/server_core.h"
#include "services/common/server_main.h"
#include "services/common/upstream_connection.h"
#include "services/gateway/core/gateway_core.h"
#include "services/gateway/dosing_port.h"
#include "services/gateway/gateway_service.h"
#include "services/gateway/hl7/ack.h"
#include "services/gateway/mllp_server.h"
#include "services/gateway/pump_server_client.h"
#include "services/gateway/sessions_port.h"
#include "services/gateway/store/sqlite_quarantine.h"

ABSL_FLAG(std::string, mllp_host, "127.0.0.1",
          "address the MLLP listener binds (0.0.0.0 in a pod)");
ABSL_FLAG(int, mllp_port, 2575, "MLLP port (0: any free port)");
ABSL_FLAG(std::string, mllp_port_file, "",
          "if set, the bound MLLP port is written here once listening");
ABSL_FLAG(std::string, mllp_tls_cert, "",
          "PEM certificate (chain) of the MLLP listener; set: TLS only, "
          "empty: plaintext behind the site's network policy");
ABSL_FLAG(std::string, mllp_tls_key, "", "PEM private key of --mllp_tls_cert");
ABSL_FLAG(std::string, mllp_client_ca, "",
          "PEM CA whose certificates pump servers must present (mutual TLS); "
          "empty: any client that completes the TLS handshake");
ABSL_FLAG(int64_t, max_hl7_message_bytes, 1 << 20,
          "largest HL7 message accepted; larger ones are refused by name");
ABSL_FLAG(std::string, sessions_address, "127.0.0.1:50052",
          "the sessions service the pump events go to");
ABSL_FLAG(std::string, sessions_ca_cert, "",
          "PEM CA certificate to reach the sessions service over TLS");
ABSL_FLAG(absl::Duration, sessions_deadline, absl::Seconds(10),
          "deadline of each call to the sessions service");
ABSL_FLAG(std::string, sessions_token_file, "",
          "file holding the gateway's bearer token for the sessions service "
          "(a device of this site)");
ABSL_FLAG(absl::Duration, running_session_lookback, absl::Hours(48),
          "how far back a pump's running session may have started");
ABSL_FLAG(std::string, dosing_address, "",
          "the dosing service that approves orders (SendOrder); empty: none");
ABSL_FLAG(std::string, dosing_ca_cert, "",
          "PEM CA certificate to reach the dosing service over TLS");
ABSL_FLAG(std::string, pump_server_address, "",
          "host:port of the pump server (MLLP) orders go to; empty: none");
ABSL_FLAG(absl::Duration, pump_server_timeout, absl::Seconds(10),
          "how long to wait for each of the pump server's answers to an order");
ABSL_FLAG(std::string, pump_drug_code, "KETAMINE",
          "the pump drug library's identifier for ketamine (RXG-4), as the "
          "site's pump server knows it");

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "gateway_server: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  kip::ServerSetup setup = kip::InitServerOrExit(
      argc, argv, "gateway", "127.0.0.1:50054",
      "KIP pump gateway (HL7 v2 over MLLP in; kip.gateway.v1.GatewayService). "
      "Flags: --listen, --mllp_port, --sessions_address, "
      "--sessions_token_file, --auth_public_key, --data_dir; --helpfull "
      "lists all.");
  auto upstream = kip::UpstreamConnectionOptions(
      absl::GetFlag(FLAGS_sessions_address),
      absl::GetFlag(FLAGS_sessions_ca_cert), "sessions_ca_cert",
      absl::GetFlag(FLAGS_sessions_deadline));
  if (!upstream.ok()) return Fail(std::string(upstream.status().message()));
  absl::StatusOr<std::string> token =
      kip::ReadFileToString(absl::GetFlag(FLAGS_sessions_token_file));
  if (!token.ok()) {
    return Fail(
        absl::StrCat("--sessions_token_file: ", token.status().message()));
  }
  while (!token->empty() && (token->back() == '\n' || token->back() == '\r')) {
    token->pop_back();
  }
  std::error_code made;
  std::filesystem::create_directories(setup.options.data_dir, made);
  if (made) {
    return Fail(absl::StrCat("--data_dir: cannot create ",
                             setup.options.data_dir, ": ", made.message()));
  }
  auto quarantine = kip::gateway::SqliteQuarantine::Open(
      setup.options.data_dir + "/quarantine.db");
  if (!quarantine.ok()) return Fail(quarantine.status().ToString());
  kip::gateway::SdkSessions sessions(
      kip::MakeSessionLogConnection(*upstream), *token,
      absl::GetFlag(FLAGS_sessions_deadline),
      absl::GetFlag(FLAGS_running_session_lookback));
  kip::gateway::GatewayCore core(&sessions, &sessions, quarantine->get(),
                                 absl::Now);
  kip::gateway::MllpServer::Options mllp;
  mllp.host = absl::GetFlag(FLAGS_mllp_host);
  mllp.port = absl::GetFlag(FLAGS_mllp_port);
  mllp.max_message_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_max_hl7_message_bytes));
  if (const std::string cert = absl::GetFlag(FLAGS_mllp_tls_cert);
      !cert.empty() || !absl::GetFlag(FLAGS_mllp_tls_key).empty()) {
    auto tls =
        kip::gateway::MllpTls::Load(cert, absl::GetFlag(FLAGS_mllp_tls_key),
                                    absl::GetFlag(FLAGS_mllp_client_ca));
    if (!tls.ok()) return Fail(tls.status().ToString());
    mllp.tls = *std::move(tls);
  } else if (!absl::GetFlag(FLAGS_mllp_client_ca).empty()) {
    return Fail("--mllp_client_ca needs --mllp_tls_cert and --mllp_tls_key");
  }
  auto listener = kip::gateway::MllpServer::Start(
      mllp, [&](absl::string_view message) { return core.Handle(message); },
      [](const absl::Status& why) {
        kip::hl7::AckError error{"", 1, 0, 100, std::string(why.message())};
        return kip::hl7::BuildAck("", kip::hl7::AckCode::kReject, &error,
                                  absl::Now(), "KIP_GATEWAY",
                                  kip::RandomUuid());
      });
  if (!listener.ok()) return Fail(listener.status().ToString());
  if (const std::string file = absl::GetFlag(FLAGS_mllp_port_file);
      !file.empty()) {
    std::ofstream(file + ".tmp") << (*listener)->port() << "\n";
    std::rename((file + ".tmp").c_str(), file.c_str());
  }
  std::fprintf(stderr, "gateway_server: MLLP%s on %s:%d\n",
               mllp.tls ? " (TLS)" : "", mllp.host.c_str(),
               (*listener)->port());
  kip::gateway::OrderPorts orders{
      nullptr,   nullptr,   &sessions,
      &sessions, absl::Now, absl::GetFlag(FLAGS_pump_drug_code)};
  std::unique_ptr<kip::gateway::SdkDosing> dosing;
  std::unique_ptr<kip::gateway::MllpPumpServer> pump_server;
  if (!absl::GetFlag(FLAGS_dosing_address).empty() &&
      !absl::GetFlag(FLAGS_pump_server_address).empty()) {
    auto dosing_options = kip::UpstreamConnectionOptions(
        absl::GetFlag(FLAGS_dosing_address),
        absl::GetFlag(FLAGS_dosing_ca_cert), "dosing_ca_cert",
        absl::GetFlag(FLAGS_sessions_deadline));
    if (!dosing_options.ok()) {
      return Fail(std::string(dosing_options.status().message()));
    }
    dosing = std::make_unique<kip::gateway::SdkDosing>(
        kip::MakeDosingConnection(*dosing_options),
        absl::GetFlag(FLAGS_sessions_deadline));
    pump_server = std::make_unique<kip::gateway::MllpPumpServer>(
        absl::GetFlag(FLAGS_pump_server_address),
        absl::GetFlag(FLAGS_pump_server_timeout));
    orders.dosing = dosing.get();
    orders.pump_server = pump_server.get();
  }
  kip::gateway::GatewayServiceImpl service(*setup.authenticator,
                                           quarantine->get(), orders);
  return kip::RunServerUntilSignal(
      setup.options, {{&service, &kip::gateway::GatewayAccessPolicy()}},
      [&] { (*listener)->Shutdown(); });
}
