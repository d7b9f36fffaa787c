// Conversions against goldens/conversions.R: metafor's escalc("MC") for
// crossover and change-score data, and the CI and median formulas written
// out independently in R; then the errors, by field.
#include "services/analytics/meta/conversions.h"

#include <fstream>
#include <sstream>

#include "gmock/gmock.h"

namespace kip::meta {
namespace {

void ExpectNear(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::fabs(expected)))
      << what;
}

std::optional<double> Maybe(const std::string& text) {
  if (text == "NA") return std::nullopt;
  return std::stod(text);
}

TEST(ConversionsTest, MatchGoldens) {
  std::ifstream in("services/analytics/meta/goldens/conversions.golden");
  ASSERT_TRUE(in.good());
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string tag;
    row >> tag;
    if (tag == "paired") {
      Paired p;
      double yi, vi;
      row >> p.n >> p.mean_treatment >> p.sd_treatment >> p.mean_control >>
          p.sd_control >> p.correlation >> yi >> vi;
      absl::StatusOr<Effect> e = PairedMeanDifference("paired", p);
      ASSERT_TRUE(e.ok()) << e.status();
      ExpectNear(e->estimate, yi, line);
      ExpectNear(e->variance, vi, line);
    } else if (tag == "change") {
      BaselineFinal a;
      double mean, sd;
      row >> a.n >> a.mean_baseline >> a.sd_baseline >> a.mean_final >>
          a.sd_final >> a.correlation >> mean >> sd;
      absl::StatusOr<MeanSd> c = ChangeFromBaseline("change", a);
      ASSERT_TRUE(c.ok()) << c.status();
      ExpectNear(c->mean, mean, line);
      ExpectNear(c->sd, sd, line);
    } else if (tag == "interval") {
      double est, lb, ub, level, yi, vi;
      int ratio;
      row >> est >> lb >> ub >> level >> ratio >> yi >> vi;
      absl::StatusOr<Effect> e =
          EffectFromInterval("interval", est, lb, ub, level, ratio == 1);
      ASSERT_TRUE(e.ok()) << e.status();
      ExpectNear(e->estimate, yi, line);
      ExpectNear(e->variance, vi, line);
    } else if (tag == "median") {
      FiveNumbers f;
      std::string a, q1, q3, b;
      double mean, sd;
      row >> f.n >> a >> q1 >> f.median >> q3 >> b >> mean >> sd;
      f.min = Maybe(a);
      f.q1 = Maybe(q1);
      f.q3 = Maybe(q3);
      f.max = Maybe(b);
      absl::StatusOr<MeanSd> m = MeanSdFromMedian("median", f);
      ASSERT_TRUE(m.ok()) << m.status();
      ExpectNear(m->mean, mean, line + " mean");
      ExpectNear(m->sd, sd, line + " sd");
    } else {
      continue;
    }
    ++rows;
  }
  EXPECT_EQ(rows, 15);
}

TEST(ConversionsTest, BadInputsNameTheField) {
  FiveNumbers only_median;
  only_median.n = 10;
  only_median.median = 3;
  EXPECT_THAT(
      std::string(MeanSdFromMedian("studies[0].median.treatment", only_median)
                      .status()
                      .message()),
      ::testing::HasSubstr("q1 and q3, or min and max"));
  FiveNumbers swapped = only_median;
  swapped.q1 = 5;
  swapped.q3 = 4;
  EXPECT_EQ(MeanSdFromMedian("x", swapped).status().code(),
            absl::StatusCode::kInvalidArgument);
  Paired p{10, 1, 1, 2, 1, 1.5};
  EXPECT_THAT(
      std::string(
          PairedMeanDifference("studies[2].paired", p).status().message()),
      ::testing::HasSubstr("studies[2].paired.correlation"));
  EXPECT_EQ(EffectFromInterval("x", 0.5, 0.0, 0.9, 0.95, true).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EffectFromInterval("x", 2.0, 0.5, 0.9, 0.95, false).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kip::meta
