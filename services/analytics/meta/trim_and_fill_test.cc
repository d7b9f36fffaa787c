// Trim-and-fill against metafor 3.8.1 trimfill() (goldens/trimfill.{golden,R})
// after FE, DL and REML fits of the BCG, Normand and Hackshaw data.
#include "services/analytics/meta/trim_and_fill.h"

#include <fstream>
#include <map>
#include <sstream>

#include "gtest/gtest.h"

namespace kip::meta {
namespace {

std::map<std::string, std::vector<Effect>> Datasets() {
  std::ifstream in("services/analytics/meta/goldens/random_effects.golden");
  std::map<std::string, std::vector<Effect>> sets;
  std::string line, current;
  while (std::getline(in, line)) {
    std::istringstream w(line);
    std::string kind;
    w >> kind;
    if (kind == "data") w >> current;
    if (kind == "yi_vi") {
      Effect e;
      w >> e.estimate >> e.variance;
      sets[current].push_back(e);
    }
  }
  return sets;
}

TEST(TrimAndFillTest, MatchesMetafor) {
  auto sets = Datasets();
  std::ifstream in("services/analytics/meta/goldens/trimfill.golden");
  ASSERT_TRUE(in.good());
  std::string line;
  int compared = 0;
  while (std::getline(in, line)) {
    std::istringstream w(line);
    std::string kind, name, method, side;
    int k0;
    double estimate, se, tau2, ci_lower;
    if (!(w >> kind) || kind != "trimfill") continue;
    w >> name >> method >> k0 >> side >> estimate >> se >> tau2 >> ci_lower;
    PoolOptions options;
    options.random_effects = method != "FE";
    options.tau2_method = method == "REML" ? Tau2Method::kRestrictedML
                                           : Tau2Method::kDerSimonianLaird;
    auto result = TrimAndFill(sets.at(name), options);
    ASSERT_TRUE(result.ok()) << result.status();
    const std::string at = name + " " + method;
    EXPECT_EQ(result->missing_studies, k0) << at;
    EXPECT_EQ(result->right_side, side == "right") << at;
    EXPECT_NEAR(result->adjusted.estimate, estimate, 1e-6 * std::fabs(estimate))
        << at;
    EXPECT_NEAR(result->adjusted.se, se, 1e-6 * se) << at;
    EXPECT_NEAR(result->adjusted.tau2, tau2, 1e-6 * std::max(tau2, 1e-12))
        << at;
    EXPECT_NEAR(result->adjusted.ci_lower, ci_lower, 1e-6 * std::fabs(ci_lower))
        << at;
    ++compared;
  }
  EXPECT_EQ(compared, 9);
}

}  // namespace
}  // namespace kip::meta
