// pump_replay: plays a pump server's HL7 feed into the gateway, for ./kip
// demo. Starts a session of a patient on the scripted pump (a 1 mg/mL bag),
// sends the pump's events over MLLP twice (delivery start, a new rate,
// pause, resume, an occlusion alarm, completion), then a message from a pump
// with no session; prints each ACK, what the session logged and what the
// gateway kept for review.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "base/time_util.h"
#include "base/uuid.h"
#include "sdk/cpp/clients.h"
#include "sdk/examples/common/demo_calls.h"
#include "services/gateway/hl7/er7.h"
#include "services/gateway/hl7/mllp.h"
#include "services/gateway/testing/pump_messages.h"

ABSL_FLAG(std::string, sessions, "127.0.0.1:50052", "sessions service");
ABSL_FLAG(std::string, gateway, "127.0.0.1:50054", "gateway (gRPC)");
ABSL_FLAG(int, mllp_port, 2575, "gateway's MLLP port on 127.0.0.1");
ABSL_FLAG(std::string, device_token, "", "a device token (starts the session)");
ABSL_FLAG(std::string, clinician_token, "", "a clinician token (reads back)");
ABSL_FLAG(std::string, admin_token, "",
          "an admin token (reads the quarantine)");
ABSL_FLAG(std::string, study, "", "study of the patient");
ABSL_FLAG(std::string, patient, "P001", "patient on the pump");
ABSL_FLAG(std::string, protocol, "bosma-2018", "the session's protocol");

namespace {

namespace sv1 = kip::sessions::v1;
using kip::gateway::testing::PumpObservation;

using kip::examples::OrDie;

kip::ConnectionOptions Options(const std::string& target,
                               const std::string& token) {
  return kip::examples::DemoConnection(target, token);
}

// One MLLP round trip: the ACK's MSA-1 and, if any, its ERR text.
std::string Exchange(int fd, const std::string& message) {
  const std::string frame = kip::hl7::MllpFrame(message);
  if (::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(frame.size())) {
    return "send failed";
  }
  kip::hl7::MllpDeframer deframer;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return "the gateway closed the connection";
    deframer.Feed(absl::string_view(buffer, static_cast<size_t>(n)));
    absl::StatusOr<std::string> ack = deframer.Next();
    if (!ack.ok()) continue;
    auto parsed = kip::hl7::Parse(*ack);
    if (!parsed.ok() || parsed->Find("MSA") == nullptr) return "unreadable ACK";
    const kip::hl7::Segment* err = parsed->Find("ERR");
    return absl::StrCat(parsed->Find("MSA")->Get(1),
                        err != nullptr ? " " + err->Get(8) : "");
  }
}

int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address)) {
    std::fprintf(stderr, "pump_replay: cannot reach MLLP port %d\n", port);
    std::exit(1);
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  kip::SessionLogClient device(kip::MakeSessionLogConnection(Options(
      absl::GetFlag(FLAGS_sessions), absl::GetFlag(FLAGS_device_token))));
  kip::SessionLogClient clinician(kip::MakeSessionLogConnection(Options(
      absl::GetFlag(FLAGS_sessions), absl::GetFlag(FLAGS_clinician_token))));
  const std::string patient = absl::GetFlag(FLAGS_patient);
  const absl::Time t0 = absl::Now() - absl::Hours(1);

  sv1::StartSessionRequest start;
  sv1::InfusionSession* session = start.mutable_session();
  session->set_session_id(kip::RandomUuid());
  session->set_study_id(absl::GetFlag(FLAGS_study));
  session->set_patient_id(patient);
  session->set_protocol_id(absl::GetFlag(FLAGS_protocol));
  session->set_protocol_version("pump-replay");
  session->set_device_id(kip::gateway::testing::kTestPump);
  session->set_course_day(1);
  session->set_concentration_mg_per_ml(1);
  session->set_care_area(kip::common::v1::OUTPATIENT_PAIN);
  *session->mutable_start_time() = kip::ProtoFromTime(t0);
  const std::string session_id =
      OrDie(device.StartSession(start), "StartSession").session().session_id();
  std::printf("pump %s: session %s of %s, 1 mg/mL\n",
              kip::gateway::testing::kTestPump, session_id.c_str(),
              patient.c_str());

  using kip::gateway::testing::PumpAlarmMessage;
  using kip::gateway::testing::PumpEventMessage;
  const std::vector<std::pair<const char*, std::string>> feed = {
      {"delivery start 24.5 mL/h",
       PumpEventMessage("DEMO-1", t0 + absl::Minutes(1),
                        PumpObservation{"START", "infusing", 24.5, 1},
                        patient)},
      {"rate 35 mL/h (PCD-01)",
       PumpEventMessage("DEMO-2", t0 + absl::Minutes(15),
                        PumpObservation{"", "infusing", 35}, patient)},
      {"delivery stop (paused)",
       PumpEventMessage("DEMO-3", t0 + absl::Minutes(20),
                        PumpObservation{"STOP", "paused", 0}, patient)},
      {"delivery start (resumed)",
       PumpEventMessage("DEMO-4", t0 + absl::Minutes(25),
                        PumpObservation{"START", "infusing", 35, 1}, patient)},
      {"occlusion alarm",
       PumpAlarmMessage("DEMO-5", t0 + absl::Minutes(30), "start", patient)},
      {"delivery complete",
       PumpEventMessage("DEMO-6", t0 + absl::Minutes(55),
                        PumpObservation{"COMP", "vtbi-complete", 0}, patient)},
  };
  const int fd = Connect(absl::GetFlag(FLAGS_mllp_port));
  for (int pass = 1; pass <= 2; ++pass) {
    std::printf("  pass %d:", pass);
    for (const auto& [what, message] : feed) {
      std::printf(" %s", Exchange(fd, message).c_str());
    }
    std::printf("%s\n", pass == 2 ? "  (resent: nothing new)" : "");
  }
  std::printf(
      "  unknown pump: %s\n",
      Exchange(fd, PumpEventMessage("DEMO-X", t0 + absl::Minutes(2),
                                    PumpObservation{"START", "infusing", 10, 1},
                                    patient, "00DE00DE00DE00DE"))
          .c_str());
  ::close(fd);

  sv1::GetSessionRequest get;
  get.set_session_id(session_id);
  const auto logged = OrDie(clinician.GetSession(get), "GetSession");
  std::printf("  the session logged %d events:", logged.events_size());
  for (const sv1::Event& e : logged.events()) {
    switch (e.payload_case()) {
      case sv1::Event::kInfusionStarted:
        std::printf(" started %.1f mg/h;",
                    e.infusion_started().rate_mg_per_h());
        break;
      case sv1::Event::kRateChanged:
        std::printf(" rate %.1f mg/h;", e.rate_changed().rate_mg_per_h());
        break;
      case sv1::Event::kInfusionPaused:
        std::printf(" paused;");
        break;
      case sv1::Event::kInfusionResumed:
        std::printf(" resumed;");
        break;
      case sv1::Event::kPumpAlarm:
        std::printf(" alarm %s;", e.pump_alarm().name().c_str());
        break;
      case sv1::Event::kInfusionStopped:
        std::printf(" stopped (%s)", e.infusion_stopped().reason().c_str());
        break;
      default:
        break;
    }
  }
  std::printf("\n");
  kip::GatewayClient gateway(kip::MakeGatewayConnection(
      Options(absl::GetFlag(FLAGS_gateway), absl::GetFlag(FLAGS_admin_token))));
  kip::gateway::v1::ListQuarantineRequest kept;
  kept.set_device_id("00DE00DE00DE00DE");
  const auto quarantine = OrDie(gateway.ListQuarantine(kept), "ListQuarantine");
  std::printf(
      "  kept for review (kipctl gateway quarantine): %d from pump "
      "00DE00DE00DE00DE%s%s\n",
      quarantine.messages_size(), quarantine.messages_size() > 0 ? ": " : "",
      quarantine.messages_size() > 0 ? quarantine.messages(0).reason().c_str()
                                     : "");
  return 0;
}
