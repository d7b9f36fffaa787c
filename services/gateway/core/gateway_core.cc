#include "services/gateway/core/gateway_core.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/uuid.h"
#include "services/gateway/core/pump_mapper.h"
#include "services/gateway/pcd/pump_report.h"

namespace kip::gateway {

GatewayCore::GatewayCore(SessionDirectory* directory, SessionWriter* writer,
                         Quarantine* quarantine,
                         std::function<absl::Time()> clock, std::string sender)
    : directory_(directory),
      writer_(writer),
      quarantine_(quarantine),
      clock_(std::move(clock)),
      sender_(std::move(sender)) {}

std::string GatewayCore::Answer(absl::string_view message, hl7::AckCode code,
                                const hl7::AckError* error, Outcome& outcome) {
  outcome.code = code;
  return hl7::BuildAck(message, code, error, clock_(), sender_, RandomUuid());
}

std::string GatewayCore::KeepAndAnswer(absl::string_view message,
                                       const std::string& device_id,
                                       const std::string& control_id,
                                       hl7::AckCode code, hl7::AckError error,
                                       Outcome& outcome) {
  outcome.reason = error.text;
  QuarantinedMessage kept{RandomUuid(), clock_(),   device_id,
                          control_id,   error.text, std::string(message)};
  if (absl::Status s = quarantine_->Keep(kept); !s.ok()) {
    // Not kept: say so, so that the pump server keeps it.
    error.text = absl::StrCat(error.text, "; and it could not be kept (",
                              s.message(), "): resend it");
    return Answer(message, hl7::AckCode::kError, &error, outcome);
  }
  outcome.quarantined = true;
  error.text = absl::StrCat(error.text, " (kept for review as ", kept.id, ")");
  return Answer(message, code, &error, outcome);
}

std::string GatewayCore::Handle(absl::string_view message, Outcome* result) {
  Outcome local;
  Outcome& outcome = result != nullptr ? *result : local;
  outcome = Outcome{};
  absl::StatusOr<hl7::Message> parsed = hl7::Parse(message);
  if (!parsed.ok()) {
    return KeepAndAnswer(
        message, "", "", hl7::AckCode::kReject,
        {"", 1, 0, 102, std::string(parsed.status().message())}, outcome);
  }
  hl7::AckError error;
  absl::StatusOr<pcd::PumpReport> report = pcd::ReadPumpReport(*parsed, &error);
  const std::string control_id = parsed->segments.front().Get(10);
  if (!report.ok()) {
    return KeepAndAnswer(
        message, "", control_id,
        error.hl7_code == 200 ? hl7::AckCode::kReject : hl7::AckCode::kError,
        error, outcome);
  }
  absl::StatusOr<std::optional<RunningSession>> session =
      directory_->SessionOf(report->device_id, report->time);
  if (!session.ok() || !session->has_value()) {
    const std::string why =
        session.ok()
            ? absl::StrCat("no running session for pump ", report->device_id)
            : absl::StrCat("the sessions service could not be asked (",
                           session.status().message(), ")");
    return KeepAndAnswer(message, report->device_id, control_id,
                         hl7::AckCode::kError,
                         {"MSH", 1, 3, session.ok() ? 204 : 207, why}, outcome);
  }
  const RunningSession& running = **session;
  if (std::find(report->patient_ids.begin(), report->patient_ids.end(),
                running.patient_id) == report->patient_ids.end()) {
    return KeepAndAnswer(
        message, report->device_id, control_id, hl7::AckCode::kError,
        {"PID", 1, 3, 204,
         absl::StrCat("the pump's running session is not this patient's")},
        outcome);
  }
  if (running.event_ids.count(GatewayEventId(*report, 0)) > 0) {
    outcome.replay = true;
    return Answer(message, hl7::AckCode::kAccept, nullptr, outcome);
  }
  if (running.ended) {
    return KeepAndAnswer(
        message, report->device_id, control_id, hl7::AckCode::kError,
        {"MSH", 1, 3, 204,
         absl::StrCat("the pump's session ", running.session_id,
                      " has ended: nothing more is logged in it")},
        outcome);
  }
  const Mapped mapped = MapReport(*report, running);
  if (!mapped.events.empty()) {
    if (absl::Status s = writer_->Append(mapped.events); !s.ok()) {
      return KeepAndAnswer(
          message, report->device_id, control_id, hl7::AckCode::kError,
          {"", 1, 0, 207,
           absl::StrCat("the session refused the events: ", s.message())},
          outcome);
    }
    outcome.events_appended = static_cast<int>(mapped.events.size());
  }
  if (mapped.not_applied.has_value()) {
    return KeepAndAnswer(message, report->device_id, control_id,
                         hl7::AckCode::kError,
                         {"OBX", 1, 5, 207, *mapped.not_applied}, outcome);
  }
  return Answer(message, hl7::AckCode::kAccept, nullptr, outcome);
}

}  // namespace kip::gateway
