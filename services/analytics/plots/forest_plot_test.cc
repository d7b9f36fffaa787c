// The forest plot lays its columns out by the measured width of the labels:
// a long study label never runs into the estimate column.
#include "services/analytics/plots/forest_plot.h"

#include "gtest/gtest.h"
#include "services/analytics/plots/svg.h"

namespace kip::plots {
namespace {

namespace av1 = kip::analytics::v1;

av1::RunMetaAnalysisResponse WithStudy(const std::string& name) {
  av1::RunMetaAnalysisResponse r;
  r.mutable_options()->set_measure(av1::MD);
  av1::StudyRow* row = r.add_studies();
  row->set_study(name);
  row->set_estimate(-1.05);
  row->set_ci_lower(-1.5);
  row->set_ci_upper(-0.6);
  row->set_weight_percent(100);
  r.mutable_overall()->set_estimate(-1.05);
  r.mutable_overall()->set_ci_lower(-1.5);
  r.mutable_overall()->set_ci_upper(-0.6);
  return r;
}

// The x of the first text that shows the study's estimate. (No std::regex:
// GCC 12 warns inside it at -O1, which the sanitizer builds use.)
double EstimateX(const std::string& svg) {
  const size_t text = svg.find(">-1.05 [");
  if (text == std::string::npos) return 0;
  const size_t x = svg.rfind("<text x=\"", text);
  return x == std::string::npos ? 0 : std::stod(svg.substr(x + 9));
}

TEST(ForestPlotTest, ALongLabelPushesTheColumnsRight) {
  const std::string label = "Published meta-analysis (16 RCTs, seed 002)";
  const double label_end = 10 + TextWidth(label, 13);
  const double x = EstimateX(ForestPlotSvg(WithStudy(label), {}));
  EXPECT_GT(x, label_end + 10) << "label ends at " << label_end;
  // A short label keeps the usual layout.
  EXPECT_EQ(EstimateX(ForestPlotSvg(WithStudy("Aronson 1948"), {})), 300);
}

TEST(ForestPlotTest, TextWidthFollowsHelveticasMetrics) {
  // 'i' is 222/1000 em and 'W' 944/1000 em; twelve characters of '0' at 13 px.
  EXPECT_NEAR(TextWidth("i", 1000), 222, 1e-9);
  EXPECT_NEAR(TextWidth("W", 1000), 944, 1e-9);
  EXPECT_NEAR(TextWidth("000000000000", 13), 12 * 556 * 13 / 1000.0, 1e-9);
  EXPECT_NEAR(TextWidth("\xc2\xb2", 1000), 556, 1e-9);  // one non-ASCII char
}

}  // namespace
}  // namespace kip::plots
