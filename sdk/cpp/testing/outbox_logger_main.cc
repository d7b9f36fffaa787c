// A bedside app in miniature for the offline-queue test: `--mode=log` starts a
// session and logs --events notes through SessionLogger (whatever the network),
// says "logged N" and waits to be killed; `--mode=flush` only delivers what an
// earlier run left in the outbox, then exits (0: all delivered; 2: the outbox
// did not open, e.g. a wrong --outbox_key_hex).
#include <cstdio>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/escaping.h"
#include "sdk/cpp/session_logger.h"

ABSL_FLAG(std::string, outbox, "", "outbox file");
ABSL_FLAG(std::string, target, "", "sessions service address");
ABSL_FLAG(std::string, token, "", "bearer token");
ABSL_FLAG(std::string, mode, "log", "log or flush");
ABSL_FLAG(std::string, session_id, "", "session UUID");
ABSL_FLAG(std::string, study, "S1", "study id");
ABSL_FLAG(std::string, patient, "P1", "patient id");
ABSL_FLAG(int, events, 1000, "notes to log");
ABSL_FLAG(std::string, outbox_key_hex, "",
          "the outbox's 32-byte key as 64 hex digits (empty: plain outbox)");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  kip::ConnectionOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  options.bearer_token = absl::GetFlag(FLAGS_token);
  options.default_deadline = absl::Seconds(5);
  kip::SessionLoggerOptions logger_options;
  logger_options.outbox_path = absl::GetFlag(FLAGS_outbox);
  logger_options.outbox_key =
      absl::HexStringToBytes(absl::GetFlag(FLAGS_outbox_key_hex));
  logger_options.max_backoff = absl::Milliseconds(200);
  auto logger = kip::SessionLogger::Create(
      logger_options, kip::MakeSessionLogConnection(options));
  if (!logger.ok()) {
    std::fprintf(stderr, "%s\n", logger.status().ToString().c_str());
    return 2;
  }
  if (absl::GetFlag(FLAGS_mode) == "flush") {
    absl::Status flushed = (*logger)->Flush(absl::Now() + absl::Seconds(60));
    std::printf("flush: %s, pending %ld, rejected %ld\n",
                flushed.ToString().c_str(),
                static_cast<long>((*logger)->PendingCount()),
                static_cast<long>((*logger)->RejectedCount()));
    return flushed.ok() && (*logger)->RejectedCount() == 0 ? 0 : 1;
  }
  kip::sessions::v1::InfusionSession session;
  session.set_session_id(absl::GetFlag(FLAGS_session_id));
  session.set_study_id(absl::GetFlag(FLAGS_study));
  session.set_patient_id(absl::GetFlag(FLAGS_patient));
  session.set_protocol_id("crps-0.35mgkg-4h");
  session.set_protocol_version("2026.11.0");
  session.set_device_id("pump-7");
  session.set_course_day(1);
  if (!(*logger)->Start(session).ok()) return 1;
  for (int i = 0; i < absl::GetFlag(FLAGS_events); ++i) {
    kip::sessions::v1::Event event;
    event.set_session_id(session.session_id());
    const int64_t micros = absl::ToUnixMicros(absl::Now());
    event.mutable_device_time()->set_seconds(micros / 1000000);
    event.mutable_device_time()->set_nanos(static_cast<int>(micros % 1000000) *
                                           1000);
    event.mutable_note()->set_text(std::to_string(i));
    absl::StatusOr<std::string> id = (*logger)->Log(event);
    if (!id.ok()) {
      std::fprintf(stderr, "%s\n", id.status().ToString().c_str());
      return 1;
    }
  }
  std::printf("logged %d\n", absl::GetFlag(FLAGS_events));
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::hours(1));
  return 0;
}
