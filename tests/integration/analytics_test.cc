// analytics_server and kipctl as a researcher uses them: a CSV of the BCG
// trials through `kipctl analytics meta` (the JSON contract and metafor's
// numbers), malformed CSVs (row and column named, exit 2), and the forest and
// funnel plots rendered by headless Chromium to prove they draw.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tests/integration/cli_run.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"

namespace kip {
namespace {

using nlohmann::json;

constexpr char kBcgCsv[] =
    "study,events_treatment,total_treatment,events_control,total_control,"
    "subgroup\n"
    "Aronson 1948,4,123,11,139,random\n"
    "Ferguson & Simes 1949,6,306,29,303,random\n"
    "Rosenthal 1960,3,231,11,220,random\n"
    "Hart & Sutherland 1977,62,13598,248,12867,random\n"
    "Frimodt-Moller 1973,33,5069,47,5808,alternate\n"
    "Stein & Aronson 1953,180,1541,372,1451,alternate\n"
    "Vandiviere 1973,8,2545,10,629,random\n"
    "TPT Madras 1980,505,88391,499,88391,random\n"
    "Coetzee & Berjak 1968,29,7499,45,7277,random\n"
    "Rosenthal 1961,17,1716,65,1665,systematic\n"
    "Comstock 1974,186,50634,141,27338,systematic\n"
    "Comstock & Webster 1969,5,2498,3,2341,systematic\n"
    "Comstock 1976,27,16913,29,17854,systematic\n";

using ::kip::testing::CliRun;

class AnalyticsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const testing::TestAuth auth;
    token_ = new std::string(auth.Token("researcher"));
    auto server =
        testing::ServerProcess::Start("services/analytics/analytics_server",
                                      {auth.PublicKeyFlag()}, "analytics");
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = new testing::ServerProcess(std::move(*server));
  }
  static void TearDownTestSuite() { delete server_; }

  static std::string Dir() { return getenv("TEST_TMPDIR"); }

  static CliRun Run(const std::string& command) {
    return testing::RunCli(command);
  }

  static CliRun Kipctl(const std::string& args) {
    return Run(absl::StrCat("sdk/kipctl/kipctl --token=", *token_,
                            " --analytics=", server_->address(),
                            " analytics meta ", args));
  }

  // Width, height and size of a PNG Chromium made of `svg_path`.
  static std::tuple<int, int, size_t> Screenshot(const std::string& svg_path,
                                                 const std::string& png_path) {
    const CliRun run = Run(absl::StrCat(
        "HOME=", Dir(),
        " chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
        "--window-size=960,760 --screenshot=",
        png_path, " file://", svg_path));
    EXPECT_EQ(run.exit_status, 0)
        << "chromium failed (is it installed? ./kip test installs "
           "it): "
        << run.err;
    std::ifstream png(png_path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(png)), {});
    if (bytes.size() < 24 || bytes.compare(1, 3, "PNG") != 0) return {0, 0, 0};
    auto be32 = [&](int at) {
      return (static_cast<unsigned char>(bytes[at]) << 24) |
             (static_cast<unsigned char>(bytes[at + 1]) << 16) |
             (static_cast<unsigned char>(bytes[at + 2]) << 8) |
             static_cast<unsigned char>(bytes[at + 3]);
    };
    return {be32(16), be32(20), bytes.size()};
  }

  static std::string* token_;
  static testing::ServerProcess* server_;
};
std::string* AnalyticsTest::token_ = nullptr;
testing::ServerProcess* AnalyticsTest::server_ = nullptr;

TEST_F(AnalyticsTest, KipctlMetaJsonMatchesMetaforAndHasTheContractFields) {
  std::ofstream(Dir() + "/bcg.csv") << kBcgCsv;
  CliRun run = Kipctl(
      absl::StrCat("--data ", Dir(), "/bcg.csv --measure RR --method IV ",
                   "--model random --tau2 REML --convention metafor "
                   "--by-subgroup --json"));
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const json r = json::parse(run.out);
  for (const char* field :
       {"convention", "k", "estimate", "ci_lower", "ci_upper", "se", "z",
        "p_value", "q", "q_df", "q_p_value", "i2", "tau2", "h2", "pi_lower",
        "pi_upper", "studies", "subgroups", "subgroup_test"}) {
    EXPECT_TRUE(r.contains(field)) << field;
  }
  EXPECT_EQ(r["convention"], "metafor");
  EXPECT_EQ(r["k"], 13);
  // metafor 3.8.1: rma(method="REML") on escalc("RR", dat.bcg), iterated to
  // convergence (goldens/random_effects.golden).
  EXPECT_NEAR(r["estimate"].get<double>(), std::exp(-0.714532342158), 1e-9);
  EXPECT_NEAR(r["se"].get<double>(), 0.179781516105, 1e-9);
  EXPECT_NEAR(r["tau2"].get<double>(), 0.313243258137, 1e-9);
  ASSERT_EQ(r["studies"].size(), 13u);
  for (const char* field :
       {"study", "estimate", "ci_lower", "ci_upper", "weight_percent"}) {
    EXPECT_TRUE(r["studies"][0].contains(field)) << field;
  }
  EXPECT_EQ(r["subgroups"].size(), 3u);
  EXPECT_TRUE(r["subgroups"][0].contains("name"));
  for (const char* field : {"q", "df", "p_value"})
    EXPECT_TRUE(r["subgroup_test"].contains(field));
}

TEST_F(AnalyticsTest, RevManTableByDefault) {
  std::ofstream(Dir() + "/bcg.csv") << kBcgCsv;
  CliRun run = Kipctl(absl::StrCat(
      "--data ", Dir(), "/bcg.csv --measure RR --method MH --model fixed"));
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("Total (fixed effect)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Heterogeneity:"), std::string::npos);
  EXPECT_NE(run.out.find("Convention: revman5"), std::string::npos);
}

TEST_F(AnalyticsTest, MalformedCsvNamesRowAndColumnAndExitsTwo) {
  const std::string header =
      "study,events_treatment,total_treatment,events_control,total_control\n";
  for (const auto& [body, expected] :
       std::vector<std::pair<std::string, std::string>>{
           {header + "a,5,10,3,10\nb,12,10,3,10\n",
            "row 3, column events_treatment"},
           {header + "a,5,10,x,10\n", "row 2, column events_control"},
           {"study,estimate\na,1\n", "CSV header"},
           {"study,mean_treatment,sd_treatment,n_treatment,mean_control,sd_"
            "control,n_control\n"
            "a,1,-2,10,1,2,10\n",
            "row 2, column sd_treatment"},
           {"study,mean_treatment,sd_treatment,n_treatment,mean_control,sd_"
            "control,n_control\n"
            "a,1,2,1,1,2,10\n",
            "row 2, column n_treatment"}}) {
    std::ofstream(Dir() + "/bad.csv") << body;
    CliRun run =
        Kipctl(absl::StrCat("--data ", Dir(), "/bad.csv --measure RR --json"));
    EXPECT_EQ(run.exit_status, 2) << body;
    EXPECT_NE(run.err.find(expected), std::string::npos) << run.err;
  }
}

TEST_F(AnalyticsTest, ForestAndFunnelPlotsRenderInChromium) {
  std::ofstream(Dir() + "/bcg.csv") << kBcgCsv;
  const std::string svg = Dir() + "/forest.svg";
  const std::string funnel = Dir() + "/funnel.svg";
  CliRun run =
      Kipctl(absl::StrCat("--data ", Dir(), "/bcg.csv --measure RR --forest ",
                          svg, " --funnel ", funnel));
  ASSERT_EQ(run.exit_status, 0) << run.err;
  std::ifstream in(svg);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("<svg"), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n') > 30, true);
  size_t squares = 0;
  for (size_t at = text.find("class=\"study\""); at != std::string::npos;
       at = text.find("class=\"study\"", at + 1)) {
    ++squares;
  }
  EXPECT_EQ(squares, 13u);
  EXPECT_NE(text.find("class=\"pooled\""), std::string::npos);

  const std::string blank = Dir() + "/blank.svg";
  std::ofstream(blank)
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" "
         "height=\"560\"><rect width=\"100%\" height=\"100%\" "
         "fill=\"white\"/></svg>";
  const auto [bw, bh, blank_bytes] = Screenshot(blank, Dir() + "/blank.png");
  const auto [w, h, bytes] = Screenshot(svg, Dir() + "/forest.png");
  EXPECT_EQ(w, 960);
  EXPECT_EQ(h, 760);
  // A drawn plot (text, squares, lines) compresses far worse than white.
  EXPECT_GT(bytes, 4 * blank_bytes) << bytes << " vs blank " << blank_bytes;
  const auto [fw, fh, funnel_bytes] = Screenshot(funnel, Dir() + "/funnel.png");
  EXPECT_EQ(fw, 960);
  EXPECT_GT(funnel_bytes, 2 * blank_bytes)
      << funnel_bytes << " vs blank " << blank_bytes;
}

}  // namespace
}  // namespace kip
