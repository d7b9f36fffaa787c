// Network meta-analysis against metafor 3.8.1's rma.mv (goldens/network.R):
// smoking cessation (log OR, two three-arm studies, a zero cell) and HbA1c
// (MD, 10 treatments): tau^2, Q, every pairwise effect and SE, P-scores and
// the design-by-treatment inconsistency test, to 1e-6 relative; and errors.
#include "services/analytics/meta/network.h"

#include <fstream>
#include <sstream>

#include "gmock/gmock.h"

namespace kip::meta {
namespace {

void ExpectNear(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-6 * std::max(1.0, std::fabs(expected)))
      << what;
}

struct Golden {
  std::string name, measure, reference;
  std::vector<NetworkArm> arms;
  std::vector<std::string> lines;  // fit, effect, pscore, inconsistency
};

std::vector<Golden> ReadGoldens() {
  std::ifstream in("services/analytics/meta/goldens/network.golden");
  std::vector<Golden> out;
  std::string line;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string tag;
    row >> tag;
    if (tag == "network") {
      out.emplace_back();
      row >> out.back().name >> out.back().measure >> out.back().reference;
    } else if (tag == "arm") {
      NetworkArm a;
      double v1, v2, v3;
      row >> a.study >> a.treatment >> v1 >> v2 >> v3;
      if (out.back().measure == "OR") {
        a.events = v1;
        a.total = v2;
      } else {
        a.mean = v1;
        a.sd = v2;
        a.n = v3;
      }
      out.back().arms.push_back(a);
    } else if (!tag.empty() && tag[0] != '#') {
      out.back().lines.push_back(line);
    }
  }
  return out;
}

TEST(NetworkTest, MatchesMetaforRmaMv) {
  const std::vector<Golden> goldens = ReadGoldens();
  ASSERT_EQ(goldens.size(), 2u);
  for (const Golden& golden : goldens) {
    NetworkOptions options;
    options.measure = golden.measure == "OR" ? NetworkMeasure::kLogOddsRatio
                                             : NetworkMeasure::kMeanDifference;
    options.reference = golden.reference;
    absl::StatusOr<NetworkFit> fit = FitNetwork(golden.arms, options);
    ASSERT_TRUE(fit.ok()) << golden.name << ": " << fit.status();
    std::map<std::pair<std::string, std::string>, PairwiseEffect> effects;
    for (const PairwiseEffect& e : fit->effects)
      effects[{e.treatment_a, e.treatment_b}] = e;
    int checked = 0;
    for (const std::string& line : golden.lines) {
      std::stringstream row(line);
      std::string tag;
      row >> tag;
      const std::string what = golden.name + ": " + line;
      if (tag == "fit") {
        double tau2, qe;
        int df;
        row >> tau2 >> qe >> df;
        ExpectNear(fit->tau2, tau2, what + " tau2");
        ExpectNear(fit->qe, qe, what + " QE");
        EXPECT_EQ(fit->qe_df, df) << what;
      } else if (tag == "effect") {
        std::string a, b;
        double estimate, se;
        row >> a >> b >> estimate >> se;
        ASSERT_TRUE(effects.count({a, b})) << what;
        ExpectNear(effects[{a, b}].estimate, estimate, what + " estimate");
        ExpectNear(effects[{a, b}].se, se, what + " se");
      } else if (tag == "pscore") {
        std::string t;
        double p;
        row >> t >> p;
        const auto it =
            std::find(fit->treatments.begin(), fit->treatments.end(), t);
        ASSERT_NE(it, fit->treatments.end()) << what;
        ExpectNear(fit->p_scores[it - fit->treatments.begin()], p, what);
      } else if (tag == "inconsistency") {
        double q, p, tau2;
        int df;
        row >> q >> df >> p >> tau2;
        ASSERT_TRUE(fit->inconsistency_testable) << what;
        ExpectNear(fit->inconsistency_q, q, what + " Q");
        EXPECT_EQ(fit->inconsistency_df, df) << what;
        ExpectNear(fit->inconsistency_p_value, p, what + " p");
        ExpectNear(fit->inconsistency_tau2, tau2, what + " tau2");
      }
      ++checked;
    }
    EXPECT_GT(checked, 10) << golden.name;
  }
}

TEST(NetworkTest, BadNetworksAreRefusedByName) {
  NetworkOptions options;
  std::vector<NetworkArm> one_arm = {{"S1", "ketamine", 0, 0, -2, 1.5, 20}};
  EXPECT_THAT(std::string(FitNetwork(one_arm, options).status().message()),
              ::testing::HasSubstr("(S1): a study needs two arms"));
  std::vector<NetworkArm> apart = {{"S1", "ketamine", 0, 0, -2, 1.5, 20},
                                   {"S1", "placebo", 0, 0, -1, 1.5, 20},
                                   {"S2", "midazolam", 0, 0, -1.5, 1.5, 20},
                                   {"S2", "gabapentin", 0, 0, -1.2, 1.5, 20}};
  absl::StatusOr<NetworkFit> fit = FitNetwork(apart, options);
  EXPECT_EQ(fit.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(fit.status().message()),
              ::testing::HasSubstr("disconnected"));
  options.reference = "lidocaine";
  EXPECT_THAT(std::string(FitNetwork(one_arm, options).status().message()),
              ::testing::HasSubstr("a study needs two arms"));
}

}  // namespace
}  // namespace kip::meta
