#include "services/analytics/quality/drug_library_report.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clinical/dose_accounting.h"
#include "google/protobuf/util/time_util.h"
#include "kip/common/v1/common.pb.h"

namespace kip::quality {
namespace {

namespace av1 = kip::analytics::v1;
namespace sv1 = kip::sessions::v1;

constexpr char kMonthFormat[] = "%Y-%m";
constexpr int kLimitsPerRow = 3;

std::string MonthOf(const google::protobuf::Timestamp& time) {
  const absl::Time t = absl::FromUnixMicros(
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(time));
  return absl::FormatTime(kMonthFormat, t, absl::UTCTimeZone());
}

// "" is allowed (no bound); otherwise exactly "YYYY-MM".
absl::Status CheckMonth(const std::string& field, const std::string& month) {
  if (month.empty()) return absl::OkStatus();
  absl::Time parsed;
  std::string error;
  if (month.size() != 7 ||
      !absl::ParseTime(kMonthFormat, month, absl::UTCTimeZone(), &parsed,
                       &error) ||
      absl::FormatTime(kMonthFormat, parsed, absl::UTCTimeZone()) != month) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": '", month.substr(0, 40), "' is not a month \"YYYY-MM\""));
  }
  return absl::OkStatus();
}

using RowKey = std::tuple<std::string, std::string, std::string, std::string>;

struct Tally {
  int64_t infusions = 0, alerts = 0, overrides = 0, hard_limit_stops = 0;
  std::map<std::string, av1::LimitHits> limits;

  void Alert(const sv1::DrugLibraryAlert& alert) {
    ++alerts;
    if (alert.overridden()) ++overrides;
    if (alert.verdict() == "HARD_LIMIT") ++hard_limit_stops;
    for (const sv1::AlertedLimit& limit : alert.limits()) {
      av1::LimitHits& hits = limits[limit.limit()];
      hits.set_limit(limit.limit());
      hits.set_alerts(hits.alerts() + 1);
      if (limit.severity() == "HARD") hits.set_hard(hits.hard() + 1);
    }
  }
  void Add(const Tally& other) {
    infusions += other.infusions;
    alerts += other.alerts;
    overrides += other.overrides;
    hard_limit_stops += other.hard_limit_stops;
    for (const auto& [name, hits] : other.limits) {
      av1::LimitHits& mine = limits[name];
      mine.set_limit(name);
      mine.set_alerts(mine.alerts() + hits.alerts());
      mine.set_hard(mine.hard() + hits.hard());
    }
  }
};

// Most alerts first, then by name; at most `max` (0: all).
std::vector<av1::LimitHits> MostHit(const Tally& tally, size_t max) {
  std::vector<av1::LimitHits> hits;
  for (const auto& [name, h] : tally.limits) hits.push_back(h);
  std::stable_sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    return a.alerts() > b.alerts();
  });
  if (max > 0 && hits.size() > max) hits.resize(max);
  return hits;
}

void Fill(const Tally& tally, av1::DrugLibraryReportRow& row) {
  row.set_infusions(tally.infusions);
  row.set_alerts(tally.alerts);
  row.set_overrides(tally.overrides);
  row.set_hard_limit_stops(tally.hard_limit_stops);
  if (tally.infusions > 0) {
    const double per_100 = 100.0 / static_cast<double>(tally.infusions);
    row.set_alerts_per_100_infusions(tally.alerts * per_100);
    row.set_overrides_per_100_infusions(tally.overrides * per_100);
    row.set_hard_limit_stops_per_100_infusions(tally.hard_limit_stops *
                                               per_100);
  }
  for (const av1::LimitHits& h : MostHit(tally, kLimitsPerRow)) {
    *row.add_limits_hit_most() = h;
  }
}

std::string CareAreaOf(const std::string& name) {
  return name.empty() ? kip::common::v1::CareArea_Name(
                            kip::common::v1::CARE_AREA_UNSPECIFIED)
                      : name;
}

// Every infusion and alert of `patients` within [from, to] (inclusive months;
// "" = unbounded), by row.
std::map<RowKey, Tally> Count(
    const std::vector<outcomes::LoggedPatient>& patients,
    const std::string& from, const std::string& to) {
  std::map<RowKey, Tally> rows;
  for (const outcomes::LoggedPatient& patient : patients) {
    for (const sv1::GetSessionResponse& logged : patient.sessions) {
      const sv1::InfusionSession& session = logged.session();
      for (const sv1::Event& e : kip::clinical::ApplyCorrections(
               {logged.events().begin(), logged.events().end()})) {
        if (!e.has_infusion_started() && !e.has_drug_library_alert()) continue;
        const std::string month = MonthOf(e.device_time());
        if ((!from.empty() && month < from) || (!to.empty() && month > to)) {
          continue;
        }
        if (e.has_infusion_started()) {
          ++rows[{month, session.site_id(),
                  kip::common::v1::CareArea_Name(
                      e.infusion_started().care_area()),
                  session.protocol_id()}]
                .infusions;
          continue;
        }
        const sv1::DrugLibraryAlert& alert = e.drug_library_alert();
        rows[{month, session.site_id(), CareAreaOf(alert.care_area()),
              alert.protocol_id().empty() ? session.protocol_id()
                                          : alert.protocol_id()}]
            .Alert(alert);
      }
    }
  }
  return rows;
}

}  // namespace

absl::Status CheckReportRequest(
    const av1::ComputeDrugLibraryReportRequest& request) {
  if (absl::Status s = CheckMonth("from_month", request.from_month());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckMonth("to_month", request.to_month()); !s.ok()) {
    return s;
  }
  if (!request.from_month().empty() && !request.to_month().empty() &&
      request.to_month() < request.from_month()) {
    return absl::InvalidArgumentError(
        absl::StrCat("to_month: ", request.to_month(), " is before from_month ",
                     request.from_month()));
  }
  return absl::OkStatus();
}

absl::StatusOr<av1::ComputeDrugLibraryReportResponse> ComputeDrugLibraryReport(
    const std::vector<outcomes::LoggedPatient>& patients,
    const av1::ComputeDrugLibraryReportRequest& request) {
  if (absl::Status s = CheckReportRequest(request); !s.ok()) return s;
  const std::map<RowKey, Tally> rows =
      Count(patients, request.from_month(), request.to_month());
  av1::ComputeDrugLibraryReportResponse report;
  Tally total;
  for (const auto& [key, tally] : rows) {
    av1::DrugLibraryReportRow* row = report.add_rows();
    row->set_month(std::get<0>(key));
    row->set_site_id(std::get<1>(key));
    row->set_care_area(std::get<2>(key));
    row->set_protocol_id(std::get<3>(key));
    Fill(tally, *row);
    total.Add(tally);
  }
  Fill(total, *report.mutable_total());
  for (const av1::LimitHits& h : MostHit(total, 0)) {
    *report.add_limits_hit_most() = h;
  }
  report.set_first_month(!request.from_month().empty() ? request.from_month()
                         : rows.empty()                ? ""
                                        : std::get<0>(rows.begin()->first));
  report.set_last_month(!request.to_month().empty() ? request.to_month()
                        : rows.empty()              ? ""
                                       : std::get<0>(rows.rbegin()->first));
  return report;
}

}  // namespace kip::quality
