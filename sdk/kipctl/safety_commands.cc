#include "sdk/kipctl/safety_commands.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"
#include "sdk/kipctl/args.h"
#include "sdk/kipctl/exit_status.h"
#include "sdk/kipctl/proto_json.h"

namespace kip::kipctl {
namespace {

namespace av1 = kip::analytics::v1;
namespace sv1 = kip::sessions::v1;

// "3 d 4 h left", "2 h 5 min overdue", "on time (1 h to spare)".
std::string Left(const sv1::ReportClock& clock) {
  const int64_t s = std::llabs(clock.seconds_left());
  const std::string span =
      s >= 86400 ? absl::StrCat(s / 86400, " d ", (s % 86400) / 3600, " h")
                 : absl::StrCat(s / 3600, " h ", (s % 3600) / 60, " min");
  switch (clock.state()) {
    case sv1::ReportClock::PENDING:
      return span + " left";
    case sv1::ReportClock::OVERDUE:
      return "OVERDUE by " + span;
    case sv1::ReportClock::SUBMITTED_ON_TIME:
      return "submitted on time (" + clock.reference() + ")";
    case sv1::ReportClock::SUBMITTED_LATE:
      return "submitted " + span + " late (" + clock.reference() + ")";
    default:
      return "?";
  }
}

int Reports(const Args& args, SessionLogClient& sessions) {
  if (!args.Has("study")) return InvalidInput("--study: is required");
  sv1::ListSafetyReportsRequest request;
  request.set_study_id(args.Get("study"));
  request.set_overdue_only(args.Has("overdue"));
  auto listed = sessions.ListSafetyReports(request);
  if (!listed.ok()) return CallFailed(listed.status());
  if (args.Has("json")) {
    return PrintProtoJson(*listed);
  }
  std::printf(
      "%d serious adverse event(s) in %s%s, clocks at %s\n",
      listed->reports_size(), request.study_id().c_str(),
      request.overdue_only() ? " with an overdue report" : "",
      google::protobuf::util::TimeUtil::ToString(listed->as_of()).c_str());
  for (const sv1::SafetyReport& r : listed->reports()) {
    std::printf("%s  patient %s  %s%s  v%d\n", r.adverse_event_id().c_str(),
                r.patient_id().c_str(),
                sv1::SideEffectType_Name(r.side_effect().type()).c_str(),
                r.susar() ? "  SUSAR" : "", r.versions());
    for (const sv1::ReportClock& c : r.clocks()) {
      std::printf(
          "    %-20s due %s  %s\n",
          sv1::SafetyReportKind_Name(c.kind()).c_str(),
          google::protobuf::util::TimeUtil::ToString(c.due_time()).c_str(),
          Left(c).c_str());
    }
  }
  return 0;
}

int Deviations(const Args& args, SessionLogClient& sessions) {
  if (!args.Has("study")) return InvalidInput("--study: is required");
  sv1::ListDeviationsRequest request;
  request.set_study_id(args.Get("study"));
  auto listed = sessions.ListDeviations(request);
  if (!listed.ok()) return CallFailed(listed.status());
  if (args.Has("json")) {
    return PrintProtoJson(*listed);
  }
  std::printf("%d protocol deviation(s) in %s\n", listed->deviations_size(),
              request.study_id().c_str());
  for (const sv1::Deviation& d : listed->deviations()) {
    std::printf("%s  %-5s %-26s patient %s  %s\n",
                google::protobuf::util::TimeUtil::ToString(d.time()).c_str(),
                sv1::DeviationSeverity_Name(d.severity()).c_str(),
                d.code().c_str(), d.patient_id().c_str(), d.detail().c_str());
  }
  return 0;
}

// "150.0" or "-" when the row has no infusion to count over.
std::string Per100(bool has, double value) {
  return has ? absl::StrFormat("%.1f", value) : "-";
}

std::string LimitsHit(
    const google::protobuf::RepeatedPtrField<av1::LimitHits>& hits) {
  std::string out;
  for (const av1::LimitHits& h : hits) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", h.limit(), " (", h.alerts(),
                    ")");
  }
  return out.empty() ? "-" : out;
}

void PrintCqiRow(const av1::DrugLibraryReportRow& r) {
  std::printf(
      "%-8s %-8s %-22s %-16s %9ld %6ld %6s %9ld %6s %6ld %6s  %s\n",
      r.month().c_str(), r.site_id().c_str(), r.care_area().c_str(),
      r.protocol_id().c_str(), static_cast<long>(r.infusions()),
      static_cast<long>(r.alerts()),
      Per100(r.has_alerts_per_100_infusions(), r.alerts_per_100_infusions())
          .c_str(),
      static_cast<long>(r.overrides()),
      Per100(r.has_overrides_per_100_infusions(),
             r.overrides_per_100_infusions())
          .c_str(),
      static_cast<long>(r.hard_limit_stops()),
      Per100(r.has_hard_limit_stops_per_100_infusions(),
             r.hard_limit_stops_per_100_infusions())
          .c_str(),
      LimitsHit(r.limits_hit_most()).c_str());
}

int Cqi(const Args& args, AnalyticsClient& analytics) {
  if (!args.Has("study")) return InvalidInput("--study: is required");
  av1::ComputeDrugLibraryReportRequest request;
  request.set_study_id(args.Get("study"));
  request.set_from_month(args.Get("from"));
  request.set_to_month(args.Get("to"));
  request.set_render_svg(args.Has("svg"));
  auto report = analytics.ComputeDrugLibraryReport(request);
  if (!report.ok()) return CallFailed(report.status());
  if (args.Has("svg")) {
    std::ofstream out(args.Get("svg"), std::ios::binary | std::ios::trunc);
    out << report->svg();
    if (!out.good()) {
      return InvalidInput(
          absl::StrCat("--svg: cannot write '", args.Get("svg"), "'"));
    }
  }
  if (args.Has("json")) return PrintProtoJson(*report);
  std::printf(
      "drug-library quality, study %s, %s..%s (UTC months; rates per 100 "
      "infusions)\n",
      request.study_id().c_str(), report->first_month().c_str(),
      report->last_month().c_str());
  std::printf("%-8s %-8s %-22s %-16s %9s %6s %6s %9s %6s %6s %6s  %s\n",
              "month", "site", "care area", "protocol", "infusions", "alerts",
              "/100", "overrides", "/100", "hard", "/100", "limits hit most");
  for (const av1::DrugLibraryReportRow& r : report->rows()) PrintCqiRow(r);
  av1::DrugLibraryReportRow total = report->total();
  total.set_month("total");
  PrintCqiRow(total);
  if (args.Has("svg")) std::printf("chart: %s\n", args.Get("svg").c_str());
  return 0;
}

}  // namespace

int RunSafetyCommand(const std::string& command,
                     const std::vector<std::string>& argv,
                     const kip::ConnectionOptions& options) {
  auto args =
      Args::Parse(argv, {"study", "from", "to", "svg"}, {"json", "overdue"});
  if (!args.ok()) return InvalidInput(std::string(args.status().message()));
  if (command == "cqi") {
    AnalyticsClient analytics(MakeAnalyticsConnection(options));
    return Cqi(*args, analytics);
  }
  SessionLogClient sessions(MakeSessionLogConnection(options));
  if (command == "reports") return Reports(*args, sessions);
  if (command == "deviations") return Deviations(*args, sessions);
  return InvalidInput(absl::StrCat(
      "safety ", command, ": unknown command (reports, deviations, cqi)"));
}

}  // namespace kip::kipctl
