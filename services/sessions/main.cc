// sessions_server: the KIP session logging service
// (kip.sessions.v1.SessionLogService).
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/flags/flag.h"
#include "base/file_util.h"
#include "sdk/cpp/clients.h"
#include "services/common/server_core.h"
#include "services/common/server_main.h"
#include "services/common/upstream_connection.h"
#include "services/sessions/access_policy.h"
#include "services/sessions/dosing_protocols.h"
#include "services/sessions/log/checkpoint_signer.h"
#include "services/sessions/log/event_log.h"
#include "services/sessions/sessions_service.h"
#include "services/sessions/store/store_factory.h"
#include "services/sessions/trial/trial_keys.h"
#include "services/sessions/trial/trial_log.h"

ABSL_FLAG(std::string, store, "",
          "sqlite:PATH or postgres:DSN; default sqlite:<data_dir>/sessions.db");
ABSL_FLAG(bool, migrate_only, false,
          "bring the store's schema to this version and exit (a Kubernetes "
          "migration Job runs this before a rollout)");
ABSL_FLAG(std::string, checkpoint_key, "",
          "PEM private key (EC P-256 or RSA) that signs log checkpoints; "
          "default: <data_dir>/checkpoint_key.pem, created on first start");

ABSL_FLAG(std::string, trial_key, "",
          "file of 32 random bytes that seals randomised studies' seeds and "
          "keys their trial logs; default: <data_dir>/trial_key, created on "
          "first start. Every replica of one store needs the same key.");

ABSL_FLAG(std::string, dosing_address, "",
          "the dosing service, asked for protocols to find protocol "
          "deviations; empty: none (ListDeviations then fails, SDTM DV is "
          "empty)");
ABSL_FLAG(std::string, dosing_ca_cert, "",
          "PEM CA certificate to reach the dosing service over TLS; empty: "
          "plaintext");
ABSL_FLAG(absl::Duration, dosing_deadline, absl::Seconds(5),
          "deadline of each protocol call to the dosing service");

namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "sessions_server: %s\n", message.c_str());
  std::exit(2);
}

std::unique_ptr<kip::sessions::CheckpointSigner> LoadOrCreateSigner(
    const std::string& data_dir) {
  std::string path = absl::GetFlag(FLAGS_checkpoint_key);
  const bool configured = !path.empty();
  if (!configured) path = data_dir + "/checkpoint_key.pem";
  if (configured || std::filesystem::exists(path)) {
    absl::StatusOr<std::string> pem = kip::ReadFileToString(path);
    if (!pem.ok()) Die("--checkpoint_key: " + pem.status().ToString());
    auto signer = kip::sessions::CheckpointSigner::FromPrivateKeyPem(*pem);
    if (!signer.ok())
      Die("--checkpoint_key " + path + ": " + signer.status().ToString());
    return std::move(*signer);
  }
  auto signer = kip::sessions::CheckpointSigner::Generate();
  if (!signer.ok()) Die(signer.status().ToString());
  // Kept so that checkpoints signed before a restart stay verifiable.
  std::ofstream(path) << (*signer)->private_key_pem();
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write);
  return std::move(*signer);
}

kip::trial::TrialKeys LoadOrCreateTrialKeys(const std::string& data_dir) {
  std::string path = absl::GetFlag(FLAGS_trial_key);
  const bool configured = !path.empty();
  if (!configured) path = data_dir + "/trial_key";
  std::string secret;
  if (configured || std::filesystem::exists(path)) {
    absl::StatusOr<std::string> read = kip::ReadFileToString(path);
    if (!read.ok()) Die("--trial_key: " + read.status().ToString());
    secret = *read;
  } else {
    absl::StatusOr<std::string> fresh = kip::trial::SecureRandomBytes(32);
    if (!fresh.ok()) Die(fresh.status().ToString());
    secret = *fresh;
    // Kept: without it no sealed seed opens and no trial log verifies.
    std::ofstream(path, std::ios::binary) << secret;
    std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write);
  }
  absl::StatusOr<kip::trial::TrialKeys> keys =
      kip::trial::TrialKeys::FromSecret(secret);
  if (!keys.ok()) Die("--trial_key " + path + ": " + keys.status().ToString());
  return *std::move(keys);
}

}  // namespace

int main(int argc, char** argv) {
  kip::ServerSetup setup = kip::InitServerOrExit(
      argc, argv, "sessions", "127.0.0.1:50052",
      "KIP session logging service (kip.sessions.v1.SessionLogService). Flags: "
      "--listen, --store, --checkpoint_key, --trial_key, --dosing_address, "
      "--auth_public_key, "
      "--tls_cert, "
      "--tls_key, --client_ca, --data_dir; --helpfull lists all.");
  std::string data_dir =
      setup.options.data_dir.empty() ? "." : setup.options.data_dir;
  std::error_code ignored;
  std::filesystem::create_directories(data_dir, ignored);
  std::string store_spec = absl::GetFlag(FLAGS_store);
  if (store_spec.empty()) store_spec = "sqlite:" + data_dir + "/sessions.db";
  auto store = kip::sessions::OpenEventStore(store_spec);
  if (!store.ok()) Die(store.status().ToString());
  if (absl::GetFlag(FLAGS_migrate_only)) {
    // Opening the store ran the migrations (PostgreSQL: under an advisory
    // lock, so concurrent runs are safe).
    std::fprintf(stderr, "sessions_server: schema of %s is current\n",
                 store_spec.substr(0, store_spec.find(':')).c_str());
    return 0;
  }
  auto log = kip::sessions::EventLog::Open(std::move(*store),
                                           LoadOrCreateSigner(data_dir));
  if (!log.ok()) Die(log.status().ToString());
  kip::trial::TrialLog trial(**log, LoadOrCreateTrialKeys(data_dir));
  std::unique_ptr<kip::sessions::DosingProtocols> protocols;
  if (const std::string dosing = absl::GetFlag(FLAGS_dosing_address);
      !dosing.empty()) {
    auto options = kip::UpstreamConnectionOptions(
        dosing, absl::GetFlag(FLAGS_dosing_ca_cert), "dosing_ca_cert",
        absl::GetFlag(FLAGS_dosing_deadline));
    if (!options.ok()) Die(std::string(options.status().message()));
    protocols = std::make_unique<kip::sessions::DosingProtocols>(
        kip::MakeDosingConnection(*options),
        absl::GetFlag(FLAGS_dosing_deadline));
  }
  kip::sessions::SessionLogServiceImpl service(*setup.authenticator, **log,
                                               trial, protocols.get());
  return kip::RunServerUntilSignal(
      setup.options, {{&service, &kip::sessions::SessionsAccessPolicy()}});
}
