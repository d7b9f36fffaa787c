// Randomisation over 10,000 simulated enrolments: permuted blocks balanced
// exactly within every block (per stratum when stratified), block sizes
// random among those allowed; minimisation's imbalance bounded and its random
// element taken at the stated rate; unequal ratios kept; the same list from
// the same seed and another from another seed.
#include "services/sessions/trial/randomisation.h"

#include <cmath>
#include <random>
#include <set>

#include "gmock/gmock.h"

namespace kip::trial {
namespace {

const std::string kSeed = "0123456789abcdef0123456789abcdef";
constexpr int kEnrolments = 10000;

std::map<std::string, int> Count(const std::vector<std::string>& arms) {
  std::map<std::string, int> n;
  for (const std::string& a : arms) ++n[a];
  return n;
}

TEST(BlocksTest, EveryBlockHoldsTheRatioExactlyAndSizesVary) {
  for (const std::vector<ArmRatio>& arms :
       {std::vector<ArmRatio>{{"ketamine", 1}, {"placebo", 1}},
        std::vector<ArmRatio>{{"ketamine", 2}, {"placebo", 1}},
        std::vector<ArmRatio>{{"high", 1}, {"low", 1}, {"placebo", 1}}}) {
    ASSERT_TRUE(CheckDesign(arms, {}, kSeed).ok());
    const auto blocks = Blocks(arms, {}, kSeed, "site=a", kEnrolments);
    int64_t total = 0;
    std::set<size_t> sizes;
    for (const auto& block : blocks) {
      total += block.size();
      sizes.insert(block.size());
      int ratio_sum = 0;
      for (const ArmRatio& a : arms) ratio_sum += a.ratio;
      const int multiple = static_cast<int>(block.size()) / ratio_sum;
      const std::map<std::string, int> n = Count(block);
      for (const ArmRatio& a : arms) {
        ASSERT_EQ(n.at(a.arm_id), a.ratio * multiple)
            << "a block is unbalanced";
      }
    }
    EXPECT_GE(total, kEnrolments);
    EXPECT_EQ(sizes.size(), 3u) << "every allowed block size is used";
  }
}

TEST(BlocksTest, StratifiedListsAreBalancedPerStratum) {
  const std::vector<ArmRatio> arms = {{"ketamine", 1}, {"placebo", 1}};
  std::mt19937 rng(15);
  std::uniform_int_distribution<int> site(0, 3), band(0, 2);
  std::map<std::string, int64_t> next;  // enrolments so far per stratum
  std::map<std::string, std::vector<std::string>> lists;
  std::map<std::string, std::map<std::string, int>> arms_by_stratum;
  for (int i = 0; i < kEnrolments; ++i) {
    const std::string stratum =
        StratumKey({{"site", std::to_string(site(rng))},
                    {"pain", std::to_string(band(rng))}});
    // The stratum's list, generated once (BlockAllocation would regenerate
    // it per call).
    std::vector<std::string>& list = lists[stratum];
    if (list.empty()) {
      for (const auto& block : Blocks(arms, {}, kSeed, stratum, kEnrolments))
        list.insert(list.end(), block.begin(), block.end());
    }
    const std::string arm = list[next[stratum]++];
    ++arms_by_stratum[stratum][arm];
    // Within a stratum the running imbalance never exceeds half the
    // largest block (6 / 2).
    const auto& n = arms_by_stratum[stratum];
    const int k = n.count("ketamine") ? n.at("ketamine") : 0;
    const int p = n.count("placebo") ? n.at("placebo") : 0;
    ASSERT_LE(std::abs(k - p), 3) << stratum << " after " << i;
  }
  EXPECT_EQ(arms_by_stratum.size(), 12u);
}

TEST(BlocksTest, TheListIsReproducibleFromTheSeedAndOnlyFromIt) {
  const std::vector<ArmRatio> arms = {{"ketamine", 1}, {"placebo", 1}};
  EXPECT_EQ(Blocks(arms, {}, kSeed, "all", 500),
            Blocks(arms, {}, kSeed, "all", 500));
  EXPECT_NE(Blocks(arms, {}, kSeed, "all", 500),
            Blocks(arms, {}, "another seed of sixteen+ bytes", "all", 500));
  EXPECT_NE(Blocks(arms, {}, kSeed, "site=a", 500),
            Blocks(arms, {}, kSeed, "site=b", 500));
  std::vector<std::string> flat;
  for (const auto& block : Blocks(arms, {}, kSeed, "all", 40))
    flat.insert(flat.end(), block.begin(), block.end());
  for (int i = 0; i < 40; ++i)
    EXPECT_EQ(BlockAllocation(arms, {}, kSeed, "all", i), flat[i]);
}

struct Simulated {
  std::vector<Enrolment> enrolments;
  int decisions_with_a_choice = 0, random_element = 0;
};

Simulated Minimise(const std::vector<ArmRatio>& arms,
                   const MinimisationDesign& design) {
  std::mt19937 rng(2026);
  std::uniform_int_distribution<int> site(0, 3), band(0, 2), sex(0, 1);
  Simulated out;
  Margins margins;
  for (int i = 0; i < kEnrolments; ++i) {
    const std::map<std::string, std::string> levels = {
        {"site", std::to_string(site(rng))},
        {"pain", std::to_string(band(rng))},
        {"sex", sex(rng) ? "F" : "M"}};
    absl::StatusOr<MinimisationChoice> choice =
        MinimisationAllocation(arms, design, kSeed, i, margins, levels);
    EXPECT_TRUE(choice.ok()) << choice.status();
    if (!choice->followed_minimising_arm) ++out.random_element;
    out.enrolments.push_back({levels, choice->arm_id});
    AddToMargins(arms, out.enrolments.back(), margins);
  }
  return out;
}

TEST(MinimisationTest, MarginsStayBalancedAndTheRandomElementIsTakenAtItsRate) {
  const std::vector<ArmRatio> arms = {{"ketamine", 1}, {"placebo", 1}};
  MinimisationDesign design;  // range, p = 0.8
  const Simulated sim = Minimise(arms, design);
  std::map<std::string, std::map<std::string, int>> margin;  // level -> arm
  for (const Enrolment& e : sim.enrolments)
    for (const auto& [factor, level] : e.levels)
      ++margin[factor + "=" + level][e.arm_id];
  for (const auto& [level, n] : margin) {
    // Every one of the 9 margins within a few patients of balance.
    EXPECT_LE(std::abs(n.at("ketamine") - n.at("placebo")), 12) << level;
  }
  // The random element: 1 - p of the decisions where an arm was preferred
  // (at most all of them), within 5 binomial SDs.
  const double rate = static_cast<double>(sim.random_element) / kEnrolments;
  EXPECT_GT(sim.random_element, 0);
  EXPECT_LE(rate, 0.2 + 5 * std::sqrt(0.2 * 0.8 / kEnrolments));
  EXPECT_GE(rate, 0.1);  // most decisions have a preferred arm
}

TEST(MinimisationTest, UnequalRatiosAreKeptAndTheVarianceMethodWorks) {
  const std::vector<ArmRatio> arms = {{"ketamine", 2}, {"placebo", 1}};
  MinimisationDesign design;
  design.imbalance = Imbalance::kVariance;
  design.follow_probability = 0.9;
  const Simulated sim = Minimise(arms, design);
  std::map<std::string, int> n;
  for (const Enrolment& e : sim.enrolments) ++n[e.arm_id];
  EXPECT_NEAR(static_cast<double>(n["ketamine"]) / kEnrolments, 2.0 / 3, 0.01);
}

TEST(MinimisationTest, FromEarlierEnrolmentsAsFromTheirMargins) {
  const std::vector<ArmRatio> arms = {{"ketamine", 1}, {"placebo", 1}};
  const Simulated sim = Minimise(arms, {});
  const std::vector<Enrolment> first(sim.enrolments.begin(),
                                     sim.enrolments.begin() + 200);
  for (int i = 0; i < 200; ++i) {
    const std::vector<Enrolment> earlier(first.begin(), first.begin() + i);
    absl::StatusOr<MinimisationChoice> again =
        MinimisationAllocation(arms, {}, kSeed, earlier, first[i].levels);
    ASSERT_TRUE(again.ok());
    ASSERT_EQ(again->arm_id, first[i].arm_id) << "enrolment " << i;
  }
}

TEST(MinimisationTest, BadDesignsAreNamed) {
  const std::vector<ArmRatio> arms = {{"ketamine", 1}, {"placebo", 1}};
  MinimisationDesign design;
  design.follow_probability = 0.4;
  EXPECT_THAT(std::string(CheckMinimisation(arms, design, kSeed).message()),
              ::testing::HasSubstr("follow_probability"));
  EXPECT_THAT(std::string(CheckDesign({{"ketamine", 1}}, {}, kSeed).message()),
              ::testing::HasSubstr("two arms"));
  EXPECT_THAT(std::string(CheckDesign(arms, {}, "short").message()),
              ::testing::HasSubstr("seed"));
  EXPECT_THAT(
      std::string(CheckDesign({{"a", 1}, {"b", 11}}, {}, kSeed).message()),
      ::testing::HasSubstr("arms[1].ratio"));
}

}  // namespace
}  // namespace kip::trial
