#include "sdk/examples/pump_sim/cqi_table.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace kip::demo {

namespace av1 = kip::analytics::v1;

void PrintCqiTable(kip::AnalyticsClient& analytics, const std::string& study_id,
                   const std::string& svg_path) {
  av1::ComputeDrugLibraryReportRequest request;
  request.set_study_id(study_id);
  request.set_render_svg(true);
  const absl::StatusOr<av1::ComputeDrugLibraryReportResponse> report =
      analytics.ComputeDrugLibraryReport(request);
  if (!report.ok()) {
    std::fprintf(stderr, "pump_sim: ComputeDrugLibraryReport: %s\n",
                 report.status().ToString().c_str());
    std::exit(1);
  }
  std::printf("drug-library quality (per 100 infusions, UTC months):\n");
  std::printf("  %-7s %-6s %-21s %-10s %9s %7s %9s %10s\n", "month", "site",
              "care area", "protocol", "infusions", "alerts", "overrides",
              "hard stops");
  auto print = [](const av1::DrugLibraryReportRow& r, const char* month) {
    std::printf("  %-7s %-6s %-21s %-10s %9ld %7.1f %9.1f %10.1f\n", month,
                r.site_id().c_str(), r.care_area().c_str(),
                r.protocol_id().c_str(), static_cast<long>(r.infusions()),
                r.alerts_per_100_infusions(), r.overrides_per_100_infusions(),
                r.hard_limit_stops_per_100_infusions());
  };
  for (const av1::DrugLibraryReportRow& r : report->rows()) {
    print(r, r.month().c_str());
  }
  print(report->total(), "total");
  if (report->limits_hit_most_size() > 0) {
    const av1::LimitHits& top = report->limits_hit_most(0);
    std::printf("  limit hit most: %s (%ld alerts, %ld as a hard limit)\n",
                top.limit().c_str(), static_cast<long>(top.alerts()),
                static_cast<long>(top.hard()));
  }
  std::ofstream(svg_path) << report->svg();
  std::printf("  chart: %s\n", svg_path.c_str());
}

}  // namespace kip::demo
