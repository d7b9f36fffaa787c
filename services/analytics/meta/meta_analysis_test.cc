// RunMetaAnalysis end to end on the BCG trials (metafor's dat.bcg) against
// metafor 3.8.1: the pooled REML result, DL subgroups by allocation and the
// test for subgroup differences (rma(est, se^2, method="FE") on the subgroup
// estimates), leave-one-out, Egger's test (lm(y/se ~ 1/se), as
// regtest(model="lm")), and the request checks.
#include "services/analytics/meta/meta_analysis.h"

#include <cmath>

#include "gmock/gmock.h"

namespace kip::meta {
namespace {

using ::testing::HasSubstr;

void ExpectClose(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-6 * std::max(std::fabs(expected), 1e-12))
      << what;
}

av1::RunMetaAnalysisRequest Bcg() {
  const int rows[13][4] = {
      {4, 119, 11, 128},       {6, 300, 29, 274},        {3, 228, 11, 209},
      {62, 13536, 248, 12619}, {33, 5036, 47, 5761},     {180, 1361, 372, 1079},
      {8, 2537, 10, 619},      {505, 87886, 499, 87892}, {29, 7470, 45, 7232},
      {17, 1699, 65, 1600},    {186, 50448, 141, 27197}, {5, 2493, 3, 2338},
      {27, 16886, 29, 17825}};
  const char* alloc[13] = {
      "random",     "random",     "random",    "random", "alternate",
      "alternate",  "random",     "random",    "random", "systematic",
      "systematic", "systematic", "systematic"};
  const int year[13] = {1948, 1949, 1960, 1977, 1973, 1953, 1973,
                        1980, 1968, 1961, 1974, 1969, 1976};
  av1::RunMetaAnalysisRequest request;
  for (int i = 0; i < 13; ++i) {
    av1::StudyData* s = request.add_studies();
    s->set_study("trial " + std::to_string(i + 1));
    s->set_subgroup(alloc[i]);
    s->set_year(year[i]);
    auto* d = s->mutable_dichotomous();
    d->set_events_treatment(rows[i][0]);
    d->set_total_treatment(rows[i][0] + rows[i][1]);
    d->set_events_control(rows[i][2]);
    d->set_total_control(rows[i][2] + rows[i][3]);
  }
  auto* o = request.mutable_options();
  o->set_measure(av1::RR);
  o->set_method(av1::INVERSE_VARIANCE);
  o->set_model(av1::RANDOM_EFFECTS);
  o->set_convention(av1::METAFOR);
  return request;
}

// REML values from goldens/random_effects.golden (metafor iterated to 1e-10;
// its default stopping rule leaves tau^2 about 2e-7 off the root).
TEST(MetaAnalysisTest, PooledRemlOnTheReportingScale) {
  auto request = Bcg();
  request.mutable_options()->set_tau2_estimator(av1::REML);
  auto response = RunMetaAnalysis(request);
  ASSERT_TRUE(response.ok()) << response.status();
  const auto& o = response->overall();
  ExpectClose(o.estimate(), std::exp(-0.714532342158), "RR");
  ExpectClose(o.se(), 0.179781516105, "se (log scale)");
  ExpectClose(o.ci_lower(), std::exp(-1.06689763881), "RR lower");
  ExpectClose(o.tau2(), 0.313243258137, "tau2");
  ExpectClose(o.i2(), 92.2213845213, "I2");
  ASSERT_EQ(response->studies_size(), 13);
  double total = 0;
  for (const auto& row : response->studies()) total += row.weight_percent();
  EXPECT_NEAR(total, 100, 1e-9);
  EXPECT_EQ(response->convention(), av1::METAFOR);
}

TEST(MetaAnalysisTest, SubgroupsAndTheirDifferenceTest) {
  auto request = Bcg();
  request.mutable_options()->set_by_subgroup(true);
  auto response = RunMetaAnalysis(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->subgroups_size(), 3);
  EXPECT_EQ(response->subgroups(1).name(), "random");
  ExpectClose(std::log(response->subgroups(1).estimate()), -1.004161354,
              "random RR");
  ExpectClose(response->subgroups(1).tau2(), 0.763062754371, "random tau2");
  ExpectClose(response->subgroups(2).se(), 0.313337913638, "systematic se");
  ExpectClose(response->subgroup_test().q(), 1.53676887206, "Q between");
  EXPECT_EQ(response->subgroup_test().df(), 2);
  ExpectClose(response->subgroup_test().p_value(), 0.46376170011, "p between");
}

TEST(MetaAnalysisTest, LeaveOneOutAndEgger) {
  auto request = Bcg();
  request.mutable_options()->set_tau2_estimator(av1::REML);
  request.mutable_options()->set_leave_one_out(true);
  request.mutable_options()->set_egger_test(true);
  request.mutable_options()->set_cumulative_by_year(true);
  auto response = RunMetaAnalysis(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->leave_one_out_size(), 13);
  EXPECT_EQ(response->leave_one_out(0).name(), "trial 1");
  ExpectClose(std::log(response->leave_one_out(0).estimate()), -0.707083788031,
              "loo 1");
  ExpectClose(response->leave_one_out(0).tau2(), 0.3361567453, "loo 1 tau2");
  ExpectClose(response->egger().intercept(), -2.11204212089, "Egger intercept");
  ExpectClose(response->egger().se(), 1.50722132836, "Egger se");
  ExpectClose(response->egger().t(), -1.40128200229, "Egger t");
  ExpectClose(response->egger().p_value(), 0.188706995082, "Egger p");
  EXPECT_EQ(response->egger().df(), 11);
  ASSERT_EQ(response->cumulative_size(), 13);
  EXPECT_EQ(response->cumulative(0).name(), "trial 1");  // 1948
  EXPECT_EQ(response->cumulative(1).name(), "trial 2");  // 1949
  EXPECT_EQ(response->cumulative(2).name(), "trial 6");  // 1953
  EXPECT_EQ(response->cumulative(12).k(), 13);
}

// metafor 3.8.1: trimfill(rma(yi, vi, method="REML")) on the BCG log RRs
// (goldens/trimfill.golden): 1 study missing on the right.
TEST(MetaAnalysisTest, TrimAndFill) {
  auto request = Bcg();
  request.mutable_options()->set_tau2_estimator(av1::REML);
  request.mutable_options()->set_trim_and_fill(true);
  auto response = RunMetaAnalysis(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->trim_and_fill().missing_studies(), 1);
  EXPECT_EQ(response->trim_and_fill().side(), "right");
  ExpectClose(std::log(response->trim_and_fill().adjusted().estimate()),
              -0.657082783488, "adjusted log RR");
}

// RevMan 5.0.23's own output for Fleiss (1993), aspirin after myocardial
// infarction, MH odds ratio, fixed effect, as stored in the R package meta
// (inst/extdata/Fleiss1993.rm5, outcome CMP-001.01).
TEST(MetaAnalysisTest, RevMan5ConventionMatchesRevMansOwnOutput) {
  const struct {
    const char* name;
    int e1, n1, e2, n2;
    double odds_ratio, ci_start, ci_end, weight;
  } rows[] = {{"MRC-1", 49, 615, 67, 624, 0.7197141500975687,
               0.4889745274989256, 1.0593362817898602, 3.176490004091248},
              {"CDP", 44, 758, 64, 771, 0.6807598039215687, 0.45739090373983604,
               1.0132119087766858, 3.1016891143394365},
              {"MRC-2", 102, 832, 126, 850, 0.8028701891715591,
               0.6064528819242718, 1.062902922672345, 5.675380442715663},
              {"GASP", 32, 317, 38, 309, 0.8007386888273315, 0.4862610363759706,
               1.318597213882381, 1.795484618258711},
              {"PARIS", 85, 810, 52, 406, 0.7981432360742705,
               0.5525633542165779, 1.1528680293941878, 3.2176243566716805},
              {"AMIS", 246, 2267, 219, 2257, 1.1327364047365673,
               0.9346646778747347, 1.3727829808793592, 10.153491219997628},
              {"ISIS-2", 1570, 8587, 1720, 8600, 0.8949693601254097,
               0.8294175772940908, 0.965701930475584, 72.87984024392564}};
  av1::RunMetaAnalysisRequest request;
  for (const auto& r : rows) {
    av1::StudyData* s = request.add_studies();
    s->set_study(r.name);
    auto* d = s->mutable_dichotomous();
    d->set_events_treatment(r.e1);
    d->set_total_treatment(r.n1);
    d->set_events_control(r.e2);
    d->set_total_control(r.n2);
  }
  auto* o = request.mutable_options();
  o->set_measure(av1::OR);
  o->set_method(av1::MANTEL_HAENSZEL);
  o->set_model(av1::FIXED_EFFECT);
  o->set_convention(av1::REVMAN5);
  auto response = RunMetaAnalysis(request);
  ASSERT_TRUE(response.ok()) << response.status();
  const auto& total = response->overall();
  ExpectClose(total.estimate(), 0.8968655609130709, "OR");
  ExpectClose(total.ci_lower(), 0.8405144008917793, "CI start");
  ExpectClose(total.ci_upper(), 0.9569947088336491, "CI end");
  ExpectClose(total.q(), 9.946055983220074, "Chi2");
  EXPECT_EQ(total.q_df(), 6);
  ExpectClose(total.q_p_value(), 0.1269422521561745, "P(Chi2)");
  ExpectClose(total.i2(), 39.67458045558399, "I2");
  ExpectClose(std::fabs(total.z()), 3.287633061337987, "Z");
  ExpectClose(total.p_value(), 0.0010103343130005407, "P(Z)");
  for (int i = 0; i < 7; ++i) {
    const auto& row = response->studies(i);
    ExpectClose(row.estimate(), rows[i].odds_ratio,
                std::string(rows[i].name) + " OR");
    ExpectClose(row.ci_lower(), rows[i].ci_start,
                std::string(rows[i].name) + " CI start");
    ExpectClose(row.ci_upper(), rows[i].ci_end,
                std::string(rows[i].name) + " CI end");
    ExpectClose(row.weight_percent(), rows[i].weight,
                std::string(rows[i].name) + " weight");
  }
}

TEST(MetaAnalysisTest, DoubleZeroStudiesAreExcludedAndSaySo) {
  auto request = Bcg();
  auto* zero = request.add_studies();
  zero->set_study("no events");
  zero->mutable_dichotomous()->set_total_treatment(50);
  zero->mutable_dichotomous()->set_total_control(50);
  auto response = RunMetaAnalysis(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->overall().k(), 13);
  EXPECT_TRUE(response->studies(13).excluded());
  EXPECT_THAT(response->warnings(0), HasSubstr("no events"));
}

TEST(MetaAnalysisTest, BadRequestsNameTheField) {
  auto request = Bcg();
  request.mutable_options()->set_measure(av1::EFFECT_MEASURE_UNSPECIFIED);
  EXPECT_THAT(std::string(RunMetaAnalysis(request).status().message()),
              HasSubstr("options.measure"));
  request = Bcg();
  request.mutable_options()->set_measure(av1::MD);
  EXPECT_THAT(
      std::string(RunMetaAnalysis(request).status().message()),
      HasSubstr("studies[0] (trial 1): dichotomous data cannot give MD"));
  request = Bcg();
  request.mutable_studies(2)->mutable_dichotomous()->set_events_treatment(999);
  EXPECT_EQ(RunMetaAnalysis(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request = Bcg();
  request.mutable_options()->set_trim_and_fill(true);
  request.mutable_options()->set_method(av1::MANTEL_HAENSZEL);
  request.mutable_options()->set_model(av1::FIXED_EFFECT);
  EXPECT_THAT(std::string(RunMetaAnalysis(request).status().message()),
              HasSubstr("options.trim_and_fill"));
}

}  // namespace
}  // namespace kip::meta
