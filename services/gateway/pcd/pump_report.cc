#include "services/gateway/pcd/pump_report.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/gateway/pcd/mdc.h"

namespace kip::pcd {
namespace {

struct Where {
  std::string segment;
  int sequence;
  int field;
};

absl::Status Fail(hl7::AckError* error, const Where& where, int hl7_code,
                  const std::string& text) {
  const std::string place =
      absl::StrCat(where.segment, "-", where.field, " (", where.segment, " #",
                   where.sequence, ")");
  if (error != nullptr) {
    *error = hl7::AckError{where.segment, where.sequence, where.field, hl7_code,
                           absl::StrCat(place, ": ", text)};
  }
  return absl::InvalidArgumentError(absl::StrCat(place, ": ", text));
}

bool IsDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

PumpStatus StatusFrom(absl::string_view text) {
  if (absl::StrContains(text, "infusing") ||
      absl::StrContains(text, "delivering")) {
    return PumpStatus::kInfusing;
  }
  if (absl::StrContains(text, "paused")) return PumpStatus::kPaused;
  if (absl::StrContains(text, "complete")) return PumpStatus::kComplete;
  if (absl::StrContains(text, "stopped") || absl::StrContains(text, "idle")) {
    return PumpStatus::kStopped;
  }
  return PumpStatus::kUnknown;
}

// The EUI-64 of an entity identifier (EI: id^namespace^universal id^type).
std::string Eui64(const hl7::Segment& segment, size_t field) {
  const std::string id =
      std::string(absl::StripAsciiWhitespace(segment.Get(field, 3)));
  return absl::StripAsciiWhitespace(segment.Get(field, 4)) == "EUI-64" ? id
                                                                       : "";
}

// A number of OBX-5 in `unit` (OBX-6), or an error naming the OBX.
absl::StatusOr<double> Quantity(const hl7::Segment& obx, int sequence,
                                const Unit& unit, hl7::AckError* error) {
  if (!IsUnit(obx, 6, unit)) {
    return Fail(error, {"OBX", sequence, 6}, 103,
                absl::StrCat("unit '", obx.Get(6, 1), "^", obx.Get(6, 2),
                             "' is not ", unit.ucum));
  }
  double value = 0;
  if (obx.RepetitionCount(5) > 1 || !obx.Get(5, 2).empty() ||
      !obx.Get(5, 1, 2).empty() ||
      !absl::SimpleAtod(absl::StripAsciiWhitespace(obx.Get(5)), &value) ||
      !std::isfinite(value) || value < 0) {
    return Fail(
        error, {"OBX", sequence, 5}, 102,
        absl::StrCat("'", obx.Get(5).substr(0, 40), "' is not a number >= 0"));
  }
  return value;
}

// Reads one OBX into `report`.
// The event-condition OBX's time (OBX-14) and which OBX it is.
struct EventTime {
  std::string text;
  int sequence = 0;
};

absl::Status ReadObservation(const hl7::Segment& obx, int sequence,
                             PumpReport& report, EventTime& event_time,
                             hl7::AckError* error) {
  auto set = [&](std::optional<double>& slot, const Unit& unit,
                 bool replace) -> absl::Status {
    if (slot.has_value() && !replace) return absl::OkStatus();
    absl::StatusOr<double> value = Quantity(obx, sequence, unit, error);
    if (!value.ok()) return value.status();
    slot = *value;
    return absl::OkStatus();
  };
  if (Names(obx, 3, kEventCondition)) {
    report.event =
        Names(obx, 5, kEventDeliveryStart)      ? PumpEvent::kDeliveryStart
        : Names(obx, 5, kEventDeliveryStop)     ? PumpEvent::kDeliveryStop
        : Names(obx, 5, kEventDeliveryComplete) ? PumpEvent::kDeliveryComplete
                                                : PumpEvent::kNone;
    event_time = {obx.Get(14), sequence};
  } else if (Names(obx, 3, kPumpStatus) || Names(obx, 3, kPumpInfusingStatus)) {
    report.status = StatusFrom(obx.Get(5, 2) + obx.Get(5, 1));
  } else if (Names(obx, 3, kFlowRateCurrent)) {
    return set(report.rate_ml_per_h, kMlPerHour, true);
  } else if (Names(obx, 3, kFlowRate)) {
    return set(report.rate_ml_per_h, kMlPerHour, false);
  } else if (Names(obx, 3, kVolumeDeliveredTotal) ||
             Names(obx, 3, kVolumeDelivered)) {
    return set(report.volume_delivered_ml, kMl, false);
  } else if (Names(obx, 3, kDrugConcentration)) {
    if (!IsUnit(obx, 6, kMgPerMl)) {
      report.concentration_unit =
          obx.Get(6, 2).empty() ? obx.Get(6, 1) : obx.Get(6, 2);
      return absl::OkStatus();
    }
    return set(report.concentration_mg_per_ml, kMgPerMl, false);
  } else if (Names(obx, 3, kDrugNameType) || Names(obx, 3, kDrugNameLabel)) {
    report.drug_name = std::string(absl::StripAsciiWhitespace(obx.Get(5)));
  } else if (Names(obx, 3, kAlarm)) {
    PumpAlarm& alarm = report.alarm.emplace();
    alarm.code = std::string(absl::StripAsciiWhitespace(obx.Get(5, 1)));
    alarm.name = std::string(absl::StripAsciiWhitespace(obx.Get(5, 2)));
    alarm.text = std::string(absl::StripAsciiWhitespace(obx.Get(5, 9)));
    if (report.device_id.empty()) report.device_id = Eui64(obx, 18);
  } else if (Names(obx, 3, kEventPhase) && report.alarm.has_value()) {
    report.alarm->phase = std::string(absl::StripAsciiWhitespace(obx.Get(5)));
  } else if (Names(obx, 3, kAlarmState) && report.alarm.has_value()) {
    report.alarm->state = std::string(absl::StripAsciiWhitespace(obx.Get(5)));
  } else if (Names(obx, 3, kPumpMds) || Names(obx, 3, kLvpMds)) {
    const std::string pump = Eui64(obx, 18);
    if (!pump.empty()) report.device_id = pump;  // the pump over its server
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<absl::Time> ParseHl7Time(absl::string_view text) {
  std::string s;
  for (char c : text) {
    if (c != ' ') s.push_back(c);
  }
  const size_t zone = s.find_first_of("+-", 8);
  if (zone == std::string::npos || s.size() - zone != 5 ||
      !IsDigits(absl::string_view(s).substr(zone + 1))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text.substr(0, 40), "' has no UTC offset (+HHMM or -HHMM)"));
  }
  std::string digits = s.substr(0, zone);
  digits = digits.substr(0, digits.find('.'));  // fractions of a second
  if ((digits.size() != 12 && digits.size() != 14) || !IsDigits(digits)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text.substr(0, 40), "' is not YYYYMMDDHHMM[SS]+/-ZZZZ"));
  }
  auto num = [&](size_t at, size_t n) {
    return std::stoi(digits.substr(at, n));
  };
  const int second = digits.size() == 14 ? num(12, 2) : 0;
  const absl::CivilSecond civil(num(0, 4), num(4, 2), num(6, 2), num(8, 2),
                                num(10, 2), second);
  if (civil.month() != num(4, 2) || civil.day() != num(6, 2) ||
      civil.hour() != num(8, 2) || civil.minute() != num(10, 2) ||
      civil.second() != second) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text.substr(0, 40), "' is not a calendar time"));
  }
  const int offset_minutes =
      std::stoi(s.substr(zone + 1, 2)) * 60 + std::stoi(s.substr(zone + 3, 2));
  const absl::Duration offset =
      absl::Minutes(s[zone] == '-' ? -offset_minutes : offset_minutes);
  return absl::FromCivil(civil, absl::UTCTimeZone()) - offset;
}

absl::StatusOr<PumpReport> ReadPumpReport(const hl7::Message& message,
                                          hl7::AckError* error) {
  const hl7::Segment& msh = message.segments.front();
  PumpReport report;
  report.message_type = absl::StrCat(msh.Get(9, 1), "^", msh.Get(9, 2));
  if (report.message_type != "ORU^R42" && report.message_type != "ORU^R01" &&
      report.message_type != "ORU^R40") {
    return Fail(error, {"MSH", 1, 9}, 200,
                absl::StrCat(report.message_type,
                             " is not a pump report (ORU^R01, ORU^R42, "
                             "ORU^R40)"));
  }
  report.control_id = msh.Get(10);
  const hl7::Segment* pid = message.Find("PID");
  if (pid == nullptr || pid->Get(3).empty()) {
    return Fail(error, {"PID", 1, 3}, 101,
                "the patient identifier is required");
  }
  for (size_t r = 1; r <= pid->RepetitionCount(3); ++r) {
    const std::string id = pid->Get(3, 1, 1, r);
    const absl::string_view stripped = absl::StripAsciiWhitespace(id);
    if (!stripped.empty()) report.patient_ids.emplace_back(stripped);
  }
  EventTime event_time;
  int sequence = 0;
  for (const hl7::Segment& segment : message.segments) {
    if (segment.id != "OBX") continue;
    if (absl::Status s =
            ReadObservation(segment, ++sequence, report, event_time, error);
        !s.ok()) {
      return s;
    }
  }
  const bool about_a_pump =
      report.alarm.has_value() || report.event != PumpEvent::kNone ||
      report.status != PumpStatus::kUnknown ||
      report.rate_ml_per_h.has_value() || !report.device_id.empty();
  if (!about_a_pump) {
    return Fail(error, {"OBX", 1, 3}, 200,
                "the message reports no infusion pump (no pump device, event, "
                "status, rate or alarm)");
  }
  if (report.message_type == "ORU^R40" && !report.alarm.has_value()) {
    return Fail(error, {"OBX", 1, 3}, 101, "an ORU^R40 needs an MDC_EVT_ALARM");
  }
  if (report.device_id.empty()) {
    std::string server = std::string(absl::StripAsciiWhitespace(msh.Get(3, 2)));
    if (absl::StripAsciiWhitespace(msh.Get(3, 3)) != "EUI-64" ||
        server.empty()) {
      return Fail(error, {"OBX", 1, 18}, 101,
                  "no pump identifier (an EUI-64 in the MDS OBX-18 or MSH-3)");
    }
    report.device_id = server;
  }
  const hl7::Segment* obr = message.Find("OBR");
  const Where where =
      !event_time.text.empty() ? Where{"OBX", event_time.sequence, 14}
      : obr != nullptr && !obr->Get(7).empty() ? Where{"OBR", 1, 7}
                                               : Where{"MSH", 1, 7};
  const std::string text = !event_time.text.empty() ? event_time.text
                           : where.segment == "OBR" ? obr->Get(7)
                                                    : msh.Get(7);
  absl::StatusOr<absl::Time> time = ParseHl7Time(text);
  if (!time.ok()) {
    return Fail(error, where, 102, std::string(time.status().message()));
  }
  report.time = *time;
  return report;
}

}  // namespace kip::pcd
