// `kipctl analytics metareg` against a real analytics server: the BCG trials
// with latitude, year and allocation as moderators give metafor 3.8.1's
// numbers (services/analytics/meta/goldens/meta_regression.golden) through
// the JSON contract; the bubble plot draws a circle per study; bad input
// names the row and column.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tests/integration/cli_run.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"

namespace kip {
namespace {

using ::kip::testing::CliRun;
using nlohmann::json;

constexpr char kBcgCsv[] =
    "study,events_treatment,total_treatment,events_control,total_control,"
    "ablat,year,alloc\n"
    "Aronson 1948,4,123,11,139,44,1948,random\n"
    "Ferguson & Simes 1949,6,306,29,303,55,1949,random\n"
    "Rosenthal 1960,3,231,11,220,42,1960,random\n"
    "Hart & Sutherland 1977,62,13598,248,12867,52,1977,random\n"
    "Frimodt-Moller 1973,33,5069,47,5808,13,1973,alternate\n"
    "Stein & Aronson 1953,180,1541,372,1451,44,1953,alternate\n"
    "Vandiviere 1973,8,2545,10,629,19,1973,random\n"
    "TPT Madras 1980,505,88391,499,88391,13,1980,random\n"
    "Coetzee & Berjak 1968,29,7499,45,7277,27,1968,random\n"
    "Rosenthal 1961,17,1716,65,1665,42,1961,systematic\n"
    "Comstock 1974,186,50634,141,27338,18,1974,systematic\n"
    "Comstock & Webster 1969,5,2498,3,2341,33,1969,systematic\n"
    "Comstock 1976,27,16913,29,17854,33,1976,systematic\n";

void ExpectNear(const json& actual, double expected, const std::string& what) {
  ASSERT_TRUE(actual.is_number()) << what << ": " << actual;
  EXPECT_NEAR(actual.get<double>(), expected,
              1e-6 * std::max(1.0, std::fabs(expected)))
      << what;
}

class MetaRegressionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const testing::TestAuth auth;
    token_ = new std::string(auth.Token("researcher"));
    auto server =
        testing::ServerProcess::Start("services/analytics/analytics_server",
                                      {auth.PublicKeyFlag()}, "analytics");
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = new testing::ServerProcess(std::move(*server));
    std::ofstream(Dir() + "/bcg.csv") << kBcgCsv;
  }
  static void TearDownTestSuite() { delete server_; }
  static std::string Dir() { return getenv("TEST_TMPDIR"); }
  static CliRun Metareg(const std::string& args) {
    return testing::RunCli(absl::StrCat("sdk/kipctl/kipctl --token=", *token_,
                                        " --analytics=", server_->address(),
                                        " analytics metareg ", args));
  }
  static std::string* token_;
  static testing::ServerProcess* server_;
};
std::string* MetaRegressionTest::token_ = nullptr;
testing::ServerProcess* MetaRegressionTest::server_ = nullptr;

TEST_F(MetaRegressionTest, LatitudeAndYearGiveMetaforsNumbers) {
  const CliRun run = Metareg(absl::StrCat(
      "--data ", Dir(),
      "/bcg.csv --measure RR --moderator ablat "
      "--moderator year --tau2 REML --predict ablat=10,year=1960 --json"));
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const json r = json::parse(run.out);
  for (const char* field : {"coefficients", "qm", "qm_p_value", "qe",
                            "qe_p_value", "tau2", "i2", "r2", "predictions"}) {
    EXPECT_TRUE(r.contains(field)) << field;
  }
  // metafor: rma(yi, vi, mods = ~ ablat + year, method = "REML").
  const json& c = r["coefficients"];
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[1]["name"], "ablat");
  ExpectNear(c[0]["estimate"], -3.54535301996, "intrcpt");
  ExpectNear(c[1]["estimate"], -0.0280113294442, "ablat");
  ExpectNear(c[1]["se"], 0.010233943231, "ablat se");
  ExpectNear(c[1]["z_or_t"], -2.73710033482, "ablat z");
  ExpectNear(c[1]["p_value"], 0.00619833850456, "ablat p");
  ExpectNear(c[1]["ci_lower"], -0.0480694895969, "ablat ci.lb");
  ExpectNear(c[2]["estimate"], 0.00190748044752, "year");
  ExpectNear(r["qm"], 12.2044868792, "QM");
  ExpectNear(r["qm_p_value"], 0.00223784162124, "QMp");
  ExpectNear(r["qe"], 28.3251436563, "QE");
  ExpectNear(r["tau2"], 0.110784696948, "tau2");
  ExpectNear(r["i2"], 71.9773177785, "I2");
  ExpectNear(r["r2"], 64.6330147352, "R2");
  // predict(fit, newmods = c(10, 1960), transf = exp).
  const json& p = r["predictions"][0];
  ExpectNear(p["estimate"], std::exp(-0.0868046372558), "pred");
  ExpectNear(p["ci_lower"], std::exp(-0.739081480823), "pred ci.lb");
  ExpectNear(p["pi_upper"], std::exp(0.835713618359), "pred pi.ub");
}

TEST_F(MetaRegressionTest, ACategoricalModeratorWithKnappHartung) {
  const CliRun run =
      Metareg(absl::StrCat("--data ", Dir(),
                           "/bcg.csv --measure RR --moderator ablat "
                           "--categorical alloc --hksj --json"));
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const json r = json::parse(run.out);
  // metafor: mods = ~ ablat + factor(alloc), test = "knha".
  const json& c = r["coefficients"];
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[2]["name"], "allocrandom");
  EXPECT_EQ(c[3]["name"], "allocsystematic");
  ExpectNear(c[2]["estimate"], -0.267491211513, "random");
  ExpectNear(c[2]["se"], 0.362410709365, "random se");
  ExpectNear(c[2]["z_or_t"], -0.738088595619, "random t");
  ExpectNear(c[3]["p_value"], 0.884876610981, "systematic p");
  EXPECT_EQ(r["test"], "t");
  ExpectNear(r["qm"], 3.44710676348, "F");
  ExpectNear(r["qm_p_value"], 0.0650069792437, "F p");
  ExpectNear(r["tau2"], 0.144594297359, "tau2");
}

TEST_F(MetaRegressionTest, TheBubblePlotHasACirclePerStudyAndTheFittedLine) {
  const std::string svg = Dir() + "/bubble.svg";
  const CliRun run = Metareg(absl::StrCat("--data ", Dir(),
                                          "/bcg.csv --measure RR --moderator "
                                          "ablat --bubble ",
                                          svg));
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("Test of moderators"), std::string::npos) << run.out;
  std::ifstream in(svg);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  size_t circles = 0;
  for (size_t at = text.find("class=\"study\""); at != std::string::npos;
       at = text.find("class=\"study\"", at + 1)) {
    ++circles;
  }
  EXPECT_EQ(circles, 13u);
  EXPECT_NE(text.find("class=\"fit\""), std::string::npos);
  EXPECT_NE(text.find("Comstock 1974"), std::string::npos);
}

TEST_F(MetaRegressionTest, BadInputNamesTheRowAndColumn) {
  std::ofstream(Dir() + "/bad.csv")
      << "study,estimate,se,dose_mg_per_kg\nA,-1,0.3,0.2\nB,-0.5,0.2,high\n"
         "C,-0.2,0.4,0.5\n";
  CliRun run = Metareg(absl::StrCat(
      "--data ", Dir(), "/bad.csv --measure MD --moderator dose_mg_per_kg"));
  EXPECT_EQ(run.exit_status, 2);
  EXPECT_NE(run.err.find("CSV row 3, column dose_mg_per_kg: 'high'"),
            std::string::npos)
      << run.err;
  run = Metareg(absl::StrCat("--data ", Dir(),
                             "/bcg.csv --measure RR --moderator latitude"));
  EXPECT_EQ(run.exit_status, 2);
  EXPECT_NE(run.err.find("column latitude"), std::string::npos) << run.err;
  run = Metareg(absl::StrCat("--data ", Dir(), "/bcg.csv --measure RR"));
  EXPECT_NE(run.exit_status, 0);
  EXPECT_NE(run.err.find("moderators"), std::string::npos) << run.err;
  run = testing::RunCli("sdk/kipctl/kipctl analytics metareg --help");
  EXPECT_EQ(run.exit_status, 0);
  EXPECT_NE(run.out.find("--moderator COL"), std::string::npos) << run.out;
}

// `kipctl analytics meta`'s sensitivity flags, which printed nothing before.
TEST_F(MetaRegressionTest, MetaSensitivityFlagsReturnWhatTheyAskFor) {
  const std::string meta = absl::StrCat(
      "sdk/kipctl/kipctl --token=", *token_,
      " --analytics=", server_->address(), " analytics meta --data ", Dir(),
      "/bcg.csv --measure RR --tau2 REML --convention metafor ");
  CliRun run = testing::RunCli(absl::StrCat(
      meta, "--leave-one-out --cumulative --trim-and-fill --influence --json ",
      "--baujat ", Dir(), "/baujat.svg --labbe ", Dir(), "/labbe.svg"));
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const json r = json::parse(run.out);
  ASSERT_EQ(r["leave_one_out"].size(), 13u);
  EXPECT_EQ(r["leave_one_out"][0]["study"], "Aronson 1948");
  EXPECT_EQ(r["leave_one_out"][0]["k"], 12);
  ASSERT_EQ(r["cumulative"].size(), 13u);
  EXPECT_EQ(r["cumulative"][0]["study"], "Aronson 1948");  // 1948, the first
  EXPECT_EQ(r["cumulative"][12]["k"], 13);
  EXPECT_TRUE(r["trim_and_fill"].contains("missing_studies"));
  // metafor: influence(rma(yi, vi, method = "REML")) on the BCG trials.
  const json& first = r["influence"][0];
  ExpectNear(first["rstudent"], -0.218142485736, "rstudent");
  ExpectNear(first["dffits"], -0.0407075475012, "dffits");
  ExpectNear(first["cooks_distance"], 0.00171654134162, "cook.d");
  ExpectNear(first["hat"], 0.0505948273437, "hat");
  ExpectNear(first["tau2_deleted"], 0.336156701804, "tau2.del");
  // metafor: baujat(rma(yi, vi, method = "REML")).
  ExpectNear(first["heterogeneity_contribution"], 0.0478183405468, "x");
  ExpectNear(first["influence_on_result"], 0.00153750091846, "y");
  for (const char* plot : {"/baujat.svg", "/labbe.svg"}) {
    std::ifstream in(Dir() + plot);
    const std::string svg((std::istreambuf_iterator<char>(in)), {});
    size_t circles = 0;
    for (size_t at = svg.find("class=\"study\""); at != std::string::npos;
         at = svg.find("class=\"study\"", at + 1)) {
      ++circles;
    }
    EXPECT_EQ(circles, 13u) << plot;
  }
  run = testing::RunCli(meta + "--leave-one-out --influence");
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("Leave-one-out"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Influence"), std::string::npos) << run.out;
  run = testing::RunCli(absl::StrCat(
      "sdk/kipctl/kipctl --token=", *token_,
      " --analytics=", server_->address(), " analytics meta --data ", Dir(),
      "/bcg.csv --measure RR --method MH --influence"));
  EXPECT_NE(run.exit_status, 0);
  EXPECT_NE(run.err.find("options.influence"), std::string::npos) << run.err;
}

// Six studies of one MD analysis, each reported differently; the expected
// numbers are services/analytics/meta/goldens/mixed_inputs.R's (metafor).
TEST_F(MetaRegressionTest, AMixOfReportedFormsPoolsAsMetafor) {
  std::ofstream(Dir() + "/mixed.csv")
      << "study,mean_treatment,sd_treatment,n_treatment,mean_control,"
         "sd_control,n_control,median_treatment,q1_treatment,q3_treatment,"
         "median_control,q1_control,q3_control,mean_baseline_treatment,"
         "sd_baseline_treatment,mean_final_treatment,sd_final_treatment,"
         "mean_baseline_control,sd_baseline_control,mean_final_control,"
         "sd_final_control,correlation,n,estimate,ci_lower,ci_upper,se\n"
         "Arm means,3.0,1.5,30,4.2,1.6,30,,,,,,,,,,,,,,,,,,,,\n"
         "Medians,,,25,,,25,3,2,5,4.5,3,6,,,,,,,,,,,,,,\n"
         "Change "
         "scores,,,20,,,20,,,,,,,6.5,1.2,3.9,1.8,6.4,1.3,5.2,1.7,0.5,,,,,\n"
         "Crossover,3.1,1.2,,4.0,1.5,,,,,,,,,,,,,,,,0.5,16,,,,\n"
         "Interval only,,,,,,,,,,,,,,,,,,,,,,,-1.05,-1.6,-0.5,\n"
         "Estimate and SE,,,,,,,,,,,,,,,,,,,,,,,-0.8,,,0.3\n";
  const CliRun run = testing::RunCli(absl::StrCat(
      "sdk/kipctl/kipctl --token=", *token_,
      " --analytics=", server_->address(), " analytics meta --data ", Dir(),
      "/mixed.csv --measure MD --model fixed --convention metafor --json"));
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const json r = json::parse(run.out);
  EXPECT_EQ(r["studies"].size(), 6u);
  ExpectNear(r["estimate"], -1.01714932351, "pooled MD");
  ExpectNear(r["se"], 0.149319936382, "pooled SE");
  ExpectNear(r["ci_lower"], -1.30981102099, "ci.lb");
  // A row whose data are incomplete is named.
  std::ofstream(Dir() + "/partial.csv")
      << "study,median_treatment,q1_treatment,q3_treatment,n_treatment,"
         "median_control,q1_control,q3_control,n_control\n"
         "A,3,2,5,25,4.5,3,6,25\nB,3,2,5,25,,3,6,25\n";
  const CliRun partial = testing::RunCli(absl::StrCat(
      "sdk/kipctl/kipctl --token=", *token_,
      " --analytics=", server_->address(), " analytics meta --data ", Dir(),
      "/partial.csv --measure MD"));
  EXPECT_EQ(partial.exit_status, 2);
  EXPECT_NE(partial.err.find("CSV row 3"), std::string::npos) << partial.err;
}

}  // namespace
}  // namespace kip
