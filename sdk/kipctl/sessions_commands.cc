#include "sdk/kipctl/sessions_commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/time_util.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/grpcpp.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "sdk/cpp/clients.h"
#include "sdk/cpp/session_logger.h"
#include "sdk/kipctl/args.h"
#include "sdk/kipctl/dosing_args.h"
#include "sdk/kipctl/exit_status.h"
#include "sdk/kipctl/proto_json.h"
#include "sdk/kipctl/trial_commands.h"

namespace kip::kipctl {
namespace {

namespace sv1 = kip::sessions::v1;
using google::protobuf::util::TimeUtil;

int Start(const Args& args, SessionLogClient& sessions) {
  sv1::StartSessionRequest request;
  sv1::InfusionSession* s = request.mutable_session();
  for (const char* required : {"study", "patient", "protocol", "device"}) {
    if (!args.Has(required))
      return InvalidInput(absl::StrCat("--", required, ": is required"));
  }
  s->set_session_id(args.Get("session-id", NewUuid()));
  s->set_study_id(args.Get("study"));
  s->set_patient_id(args.Get("patient"));
  s->set_protocol_id(args.Get("protocol"));
  s->set_protocol_version(args.Get("protocol-version", "2026.11.0"));
  s->set_device_id(args.Get("device"));
  s->set_course_id(args.Get("course"));
  auto day = args.NumberOr("course-day", 1);
  if (!day.ok()) return InvalidInput(std::string(day.status().message()));
  s->set_course_day(static_cast<int>(*day));
  // What the pump gateway needs of a session it feeds: the bag's strength
  // and where it runs.
  auto concentration = args.NumberOr("concentration-mg-per-ml", 0);
  if (!concentration.ok())
    return InvalidInput(std::string(concentration.status().message()));
  s->set_concentration_mg_per_ml(*concentration);
  if (args.Has("care-area")) {
    auto area = CareAreaFromArgs(args);
    if (!area.ok()) return InvalidInput(std::string(area.status().message()));
    s->set_care_area(*area);
  }
  auto started = sessions.StartSession(request);
  if (!started.ok()) return CallFailed(started.status());
  if (args.Has("json")) {
    if (int rc = PrintProtoJson(*started)) return rc;
  } else {
    std::printf("%s\n", started->session().session_id().c_str());
  }
  return 0;
}

int Log(const Args& args, SessionLogClient& sessions) {
  if (!args.Has("session")) return InvalidInput("--session: is required");
  sv1::Event event;
  if (args.Has("event-json")) {
    const auto parsed = google::protobuf::util::JsonStringToMessage(
        args.Get("event-json"), &event);
    if (!parsed.ok())
      return InvalidInput(absl::StrCat("--event-json: ", parsed.ToString()));
  } else if (args.Has("pain")) {
    auto nrs = args.Number("pain");
    if (!nrs.ok()) return InvalidInput(std::string(nrs.status().message()));
    event.mutable_pain_score()->set_nrs(*nrs);
    sv1::PainTimepoint timepoint;
    const std::string name =
        absl::AsciiStrToUpper(args.Get("timepoint", "during"));
    if (!sv1::PainTimepoint_Parse(name == "FOLLOW-UP" ? "FOLLOW_UP" : name,
                                  &timepoint)) {
      return InvalidInput(
          "--timepoint: is not baseline, during, end or follow-up");
    }
    event.mutable_pain_score()->set_timepoint(timepoint);
    auto day = args.NumberOr("follow-up-day", 0);
    if (!day.ok()) return InvalidInput(std::string(day.status().message()));
    event.mutable_pain_score()->set_follow_up_day(static_cast<int>(*day));
  } else if (args.Has("note")) {
    event.mutable_note()->set_text(args.Get("note"));
  } else {
    return InvalidInput("one of --pain, --note or --event-json is required");
  }
  event.set_session_id(args.Get("session"));
  if (event.event_id().empty()) event.set_event_id(NewUuid());
  if (!event.has_device_time()) {
    *event.mutable_device_time() = ProtoFromTime(absl::Now());
  }
  sv1::AppendEventsRequest request;
  *request.add_events() = event;
  auto acks = sessions.AppendEvents(request);
  if (!acks.ok()) return CallFailed(acks.status());
  const sv1::EventAck& ack = acks->acks(0);
  if (args.Has("json")) {
    if (int rc = PrintProtoJson(ack)) return rc;
  } else {
    std::printf("%s sequence %ld hash %s%s\n", ack.event_id().c_str(),
                static_cast<long>(ack.session_sequence()),
                ack.hash_hex().c_str(), ack.replayed() ? " (replayed)" : "");
  }
  return 0;
}

int Show(const Args& args, SessionLogClient& sessions) {
  if (!args.Has("session")) return InvalidInput("--session: is required");
  sv1::GetSessionRequest request;
  request.set_session_id(args.Get("session"));
  auto session = sessions.GetSession(request);
  if (!session.ok()) return CallFailed(session.status());
  if (args.Has("json")) {
    if (int rc = PrintProtoJson(*session)) return rc;
    return 0;
  }
  const auto& s = session->session();
  std::printf(
      "session %s  study %s  patient %s  protocol %s (%s)  device %s  day %d\n",
      s.session_id().c_str(), s.study_id().c_str(), s.patient_id().c_str(),
      s.protocol_id().c_str(), s.protocol_version().c_str(),
      s.device_id().c_str(), s.course_day());
  for (const sv1::Event& e : session->events()) {
    const auto* field = e.GetDescriptor()->FindFieldByNumber(e.payload_case());
    std::printf("%4ld  %s  %-18s %s\n", static_cast<long>(e.session_sequence()),
                TimeUtil::ToString(e.device_time()).c_str(),
                field ? field->name().c_str() : "?", e.recorded_by().c_str());
  }
  return 0;
}

int Verify(const Args& args, SessionLogClient& sessions) {
  if (!args.Has("session")) return InvalidInput("--session: is required");
  sv1::VerifySessionRequest request;
  request.set_session_id(args.Get("session"));
  auto verified = sessions.VerifySession(request);
  if (!verified.ok()) return CallFailed(verified.status());
  if (args.Has("json")) {
    if (int rc = PrintProtoJson(*verified)) return rc;
  } else if (verified->ok()) {
    std::printf("ok: %ld events, every link verifies\n",
                static_cast<long>(verified->events_checked()));
  } else {
    std::printf("TAMPERED at sequence %ld: %s\n",
                static_cast<long>(verified->first_bad_sequence()),
                verified->problem().c_str());
  }
  return verified->ok() ? 0 : 1;
}

int Export(const Args& args, SessionLogClient& sessions) {
  if (!args.Has("study") || !args.Has("out"))
    return InvalidInput("--study and --out are required");
  const std::string format = absl::AsciiStrToLower(args.Get("format", "csv"));
  if (format != "csv" && format != "sdtm" && format != "odm" &&
      format != "fhir")
    return InvalidInput("--format: is not csv, sdtm, odm or fhir");
  sv1::ExportStudyRequest request;
  request.set_study_id(args.Get("study"));
  request.set_format(format == "sdtm"   ? sv1::SDTM
                     : format == "odm"  ? sv1::ODM
                     : format == "fhir" ? sv1::FHIR
                                        : sv1::CSV_PER_EVENT_TYPE);
  kip::CallOptions call;
  call.timeout = absl::Minutes(10);
  std::map<std::string, std::string> tables;
  const absl::Status status = sessions.ExportStudy(
      request,
      [&](const sv1::ExportStudyResponse& chunk) {
        tables[chunk.table_name()] += chunk.csv_chunk();
        return true;
      },
      call);
  if (!status.ok()) return CallFailed(status);
  std::error_code ec;
  std::filesystem::create_directories(args.Get("out"), ec);
  for (const auto& [name, csv] : tables) {
    // ODM and FHIR come as one file each: "<study>.odm.xml",
    // "<study>.fhir.json".
    const bool whole =
        absl::EndsWith(name, ".xml") || absl::EndsWith(name, ".json");
    const std::string path =
        args.Get("out") + "/" + name + (whole ? "" : ".csv");
    std::ofstream(path) << csv;
    std::printf("%s\n", path.c_str());
  }
  return 0;
}

}  // namespace

int RunSessionsCommand(const std::string& command,
                       const std::vector<std::string>& argv,
                       const kip::ConnectionOptions& options) {
  SessionLogClient sessions(MakeSessionLogConnection(options));
  if (IsTrialCommand(command)) return RunTrialCommand(command, argv, sessions);
  auto args =
      Args::Parse(argv,
                  {"study", "patient", "protocol", "protocol-version", "device",
                   "course", "course-day", "session-id", "session",
                   "event-json", "pain", "timepoint", "follow-up-day", "note",
                   "format", "out", "concentration-mg-per-ml", "care-area"},
                  {"json"});
  if (!args.ok()) return InvalidInput(std::string(args.status().message()));
  if (command == "start") return Start(*args, sessions);
  if (command == "log") return Log(*args, sessions);
  if (command == "show") return Show(*args, sessions);
  if (command == "verify") return Verify(*args, sessions);
  if (command == "export") return Export(*args, sessions);
  return InvalidInput(
      absl::StrCat("sessions ", command,
                   ": unknown command (start, log, show, verify, export, "
                   "create-study, enroll, allocation, unblind, unblind-study, "
                   "verify-allocations)"));
}

}  // namespace kip::kipctl
