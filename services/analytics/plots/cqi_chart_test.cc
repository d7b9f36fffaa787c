// The CQI chart is well-formed SVG whose bars are as long as their rates.
#include "services/analytics/plots/cqi_chart.h"

#include <libxml/parser.h>

#include <string>

#include "gtest/gtest.h"

namespace kip::plots {
namespace {

namespace av1 = kip::analytics::v1;

// The width of the first <rect class="`name`" ...>.
double BarWidth(const std::string& svg, const std::string& name) {
  const size_t rect = svg.find("<rect class=\"" + name + "\"");
  if (rect == std::string::npos) return -1;
  const size_t width = svg.find("width=\"", rect);
  return std::stod(svg.substr(width + 7));
}

av1::ComputeDrugLibraryReportResponse Report() {
  av1::ComputeDrugLibraryReportResponse report;
  av1::DrugLibraryReportRow* row = report.add_rows();
  row->set_month("2026-10");
  row->set_site_id("<S&1>");
  row->set_care_area("OUTPATIENT_PAIN");
  row->set_protocol_id("bosma-2018");
  row->set_infusions(2);
  row->set_alerts(3);
  row->set_alerts_per_100_infusions(150);
  row->set_overrides_per_100_infusions(50);
  row->set_hard_limit_stops_per_100_infusions(50);
  av1::DrugLibraryReportRow* none = report.add_rows();
  none->set_month("2026-10");
  none->set_site_id("S2");
  none->set_alerts(1);
  return report;
}

TEST(CqiChartTest, BarsAreProportionalAndTheSvgIsWellFormed) {
  const std::string svg = CqiChartSvg(Report(), "CQI, study T1");
  xmlDocPtr doc = xmlReadMemory(svg.data(), static_cast<int>(svg.size()),
                                "cqi.svg", nullptr, XML_PARSE_NONET);
  ASSERT_NE(doc, nullptr) << svg;
  xmlFreeDoc(doc);
  const double alerts = BarWidth(svg, "alerts");
  const double overrides = BarWidth(svg, "overrides");
  ASSERT_GT(overrides, 0) << svg;
  EXPECT_NEAR(alerts / overrides, 3.0, 1e-3);
  EXPECT_NEAR(BarWidth(svg, "hard-limit-stops"), overrides, 1e-6);
  EXPECT_NE(svg.find("&lt;S&amp;1&gt;"), std::string::npos);
  EXPECT_NE(svg.find("(2 infusions)"), std::string::npos);
  EXPECT_NE(svg.find("no infusions (1 alerts)"), std::string::npos);
}

TEST(CqiChartTest, AnEmptyReportSaysSo) {
  av1::ComputeDrugLibraryReportResponse report;
  report.set_first_month("2027-01");
  report.set_last_month("2027-02");
  const std::string svg = CqiChartSvg(report, "");
  EXPECT_NE(svg.find("no infusions or alerts in 2027-01..2027-02"),
            std::string::npos);
  EXPECT_EQ(BarWidth(svg, "alerts"), -1);
}

}  // namespace
}  // namespace kip::plots
