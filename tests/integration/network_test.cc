// `kipctl analytics network` against a real analytics server: the smoking
// cessation (log OR) and HbA1c (MD, 10 treatments) networks give metafor's
// rma.mv numbers (services/analytics/meta/goldens/network.golden) through
// the JSON contract; the league table and network graph are drawn; bad
// arms are named.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tests/integration/cli_run.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"

namespace kip {
namespace {

using ::kip::testing::CliRun;
using nlohmann::json;

struct Network {
  std::string measure, reference, csv;
  std::map<std::pair<std::string, std::string>, double> effects;
  std::map<std::string, double> p_scores;
  double tau2 = 0, inconsistency_q = 0;
};

// The golden's arms as the CSV a researcher would write, and its numbers.
std::map<std::string, Network> ReadGolden() {
  std::ifstream in("services/analytics/meta/goldens/network.golden");
  std::map<std::string, Network> out;
  Network* current = nullptr;
  std::string line;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string tag;
    row >> tag;
    if (tag == "network") {
      std::string name;
      row >> name;
      current = &out[name];
      row >> current->measure >> current->reference;
      current->csv = current->measure == "OR" ? "study,treatment,events,total\n"
                                              : "study,treatment,mean,sd,n\n";
    } else if (tag == "arm") {
      std::string study, treatment, a, b, c;
      row >> study >> treatment >> a >> b >> c;
      absl::StrAppend(&current->csv, study, ",", treatment, ",", a, ",", b,
                      current->measure == "OR" ? "" : absl::StrCat(",", c),
                      "\n");
    } else if (tag == "fit") {
      row >> current->tau2;
    } else if (tag == "effect") {
      std::string a, b;
      double estimate;
      row >> a >> b >> estimate;
      current->effects[{a, b}] = estimate;
    } else if (tag == "pscore") {
      std::string t;
      row >> t >> current->p_scores[t];
    } else if (tag == "inconsistency") {
      row >> current->inconsistency_q;
    }
  }
  return out;
}

class NetworkTest : public ::testing::Test {
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
  static CliRun Network(const std::string& args) {
    return testing::RunCli(absl::StrCat("sdk/kipctl/kipctl --token=", *token_,
                                        " --analytics=", server_->address(),
                                        " analytics network ", args));
  }
  static std::string* token_;
  static testing::ServerProcess* server_;
};
std::string* NetworkTest::token_ = nullptr;
testing::ServerProcess* NetworkTest::server_ = nullptr;

TEST_F(NetworkTest, BothNetworksGiveMetaforsNumbers) {
  const std::map<std::string, kip::Network> goldens = ReadGolden();
  ASSERT_EQ(goldens.size(), 2u);
  for (const auto& [name, golden] : goldens) {
    const std::string csv = Dir() + "/" + name + ".csv";
    std::ofstream(csv) << golden.csv;
    const CliRun run = Network(absl::StrCat(
        "--data ", csv, " --measure ", golden.measure, " --reference ",
        golden.reference, " --league ", Dir(), "/", name,
        "-league.svg --graph ", Dir(), "/", name, "-graph.svg --json"));
    ASSERT_EQ(run.exit_status, 0) << name << ": " << run.err;
    const json r = json::parse(run.out);
    EXPECT_NEAR(r["tau2"].get<double>(), golden.tau2, 1e-6) << name;
    ASSERT_EQ(r["effects"].size(), golden.effects.size()) << name;
    for (const json& e : r["effects"]) {
      const auto key = std::make_pair(e["treatment_a"].get<std::string>(),
                                      e["treatment_b"].get<std::string>());
      ASSERT_TRUE(golden.effects.count(key)) << name << " " << e;
      const double expected = golden.measure == "OR"
                                  ? std::exp(golden.effects.at(key))
                                  : golden.effects.at(key);
      EXPECT_NEAR(e["estimate"].get<double>(), expected,
                  1e-6 * std::max(1.0, std::fabs(expected)))
          << name << " " << key.first << " vs " << key.second;
    }
    for (const json& rank : r["ranking"]) {
      EXPECT_NEAR(rank["p_score"].get<double>(),
                  golden.p_scores.at(rank["treatment"].get<std::string>()),
                  1e-6)
          << name;
    }
    EXPECT_NEAR(r["inconsistency"]["q"].get<double>(), golden.inconsistency_q,
                1e-5)
        << name;
    for (const char* plot : {"-league.svg", "-graph.svg"}) {
      std::ifstream in(Dir() + "/" + name + plot);
      const std::string svg((std::istreambuf_iterator<char>(in)), {});
      EXPECT_NE(svg.find("<svg"), std::string::npos) << name << plot;
      EXPECT_NE(svg.find(golden.reference), std::string::npos) << name << plot;
    }
  }
}

TEST_F(NetworkTest, BadArmsAreNamed) {
  std::ofstream(Dir() + "/bad.csv")
      << "study,treatment,mean,sd,n\nS1,ketamine,-2.1,1.4,20\n"
         "S1,placebo,-0.9,lots,20\n";
  CliRun run = Network(absl::StrCat("--data ", Dir(), "/bad.csv --measure MD"));
  EXPECT_EQ(run.exit_status, 2);
  EXPECT_NE(run.err.find("CSV row 3, column sd: 'lots'"), std::string::npos)
      << run.err;
  std::ofstream(Dir() + "/apart.csv")
      << "study,treatment,mean,sd,n\nS1,ketamine,-2.1,1.4,20\n"
         "S1,placebo,-0.9,1.5,20\nS2,midazolam,-1.5,1.3,18\n"
         "S2,gabapentin,-1.2,1.6,18\n";
  run = Network(absl::StrCat("--data ", Dir(), "/apart.csv --measure MD"));
  EXPECT_NE(run.exit_status, 0);
  EXPECT_NE(run.err.find("disconnected"), std::string::npos) << run.err;
  run = testing::RunCli("sdk/kipctl/kipctl analytics network --help");
  EXPECT_EQ(run.exit_status, 0);
  EXPECT_NE(run.out.find("--league out.svg"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace kip
