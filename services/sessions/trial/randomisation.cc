#include "services/sessions/trial/randomisation.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "base/digest.h"

namespace kip::trial {
namespace {

// 64 bits of HMAC-SHA-256(seed, purpose/counter[/retry]).
uint64_t Bits(const std::string& seed, const std::string& purpose,
              int64_t counter, int retry) {
  const std::string mac = HmacSha256(
      seed, retry == 0 ? absl::StrCat(purpose, "/", counter)
                       : absl::StrCat(purpose, "/", counter, "/", retry));
  uint64_t bits = 0;
  std::memcpy(&bits, mac.data(), sizeof bits);
  return bits;
}

// Uniform in [0, bound), without modulo bias (rejection sampling).
uint64_t Below(const std::string& seed, const std::string& purpose,
               int64_t counter, uint64_t bound) {
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  const uint64_t limit = max - max % bound;
  for (int retry = 0;; ++retry) {
    const uint64_t bits = Bits(seed, purpose, counter, retry);
    if (bits < limit) return bits % bound;
  }
}

// Uniform in [0, 1).
double Unit(const std::string& seed, const std::string& purpose,
            int64_t counter) {
  return (Bits(seed, purpose, counter, 0) >> 11) * 0x1.0p-53;
}

absl::Status CheckArmsAndSeed(const std::vector<ArmRatio>& arms,
                              const std::string& seed) {
  if (arms.size() < 2)
    return absl::InvalidArgumentError("randomisation.arms: needs two arms");
  for (size_t i = 0; i < arms.size(); ++i) {
    if (arms[i].ratio < 1 || arms[i].ratio > 10) {
      return absl::InvalidArgumentError(absl::StrCat(
          "randomisation.arms[", i, "].ratio: must be within 1..10"));
    }
  }
  if (seed.size() < 16) {
    return absl::InvalidArgumentError(
        "randomisation.seed: needs at least 16 random bytes");
  }
  return absl::OkStatus();
}

// Each arm's count divided by its ratio: balance under unequal allocation.
std::vector<double> Adjusted(const std::vector<ArmRatio>& arms,
                             const std::vector<double>& counts) {
  std::vector<double> out;
  for (size_t a = 0; a < arms.size(); ++a)
    out.push_back(counts[a] / arms[a].ratio);
  return out;
}

double Spread(const std::vector<double>& values, Imbalance imbalance) {
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  if (imbalance == Imbalance::kRange) return *hi - *lo;
  double mean = 0;
  for (double v : values) mean += v / values.size();
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  return ss / (values.size() - 1);
}

}  // namespace

absl::Status CheckDesign(const std::vector<ArmRatio>& arms,
                         const BlockDesign& blocks, const std::string& seed) {
  if (absl::Status s = CheckArmsAndSeed(arms, seed); !s.ok()) return s;
  if (blocks.multiples.empty())
    return absl::InvalidArgumentError(
        "randomisation.block_multiples: is empty");
  for (size_t i = 0; i < blocks.multiples.size(); ++i) {
    if (blocks.multiples[i] < 1 || blocks.multiples[i] > 10) {
      return absl::InvalidArgumentError(absl::StrCat(
          "randomisation.block_multiples[", i, "]: must be within 1..10"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckMinimisation(const std::vector<ArmRatio>& arms,
                               const MinimisationDesign& design,
                               const std::string& seed) {
  if (absl::Status s = CheckArmsAndSeed(arms, seed); !s.ok()) return s;
  if (!(design.follow_probability > 0.5 && design.follow_probability <= 1)) {
    return absl::InvalidArgumentError(
        "randomisation.follow_probability: must be within (0.5, 1]");
  }
  for (const auto& [factor, weight] : design.factor_weights) {
    if (!(weight > 0) || !std::isfinite(weight)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "randomisation.factor_weights[", factor, "]: must be > 0"));
    }
  }
  return absl::OkStatus();
}

namespace {

// Block `b`'s size as a multiple of the ratios' sum.
int BlockMultiple(const BlockDesign& blocks, const std::string& seed,
                  const std::string& stratum, int64_t b) {
  return blocks.multiples[Below(seed, "block-size:" + stratum, b,
                                blocks.multiples.size())];
}

int RatioSum(const std::vector<ArmRatio>& arms) {
  int sum = 0;
  for (const ArmRatio& a : arms) sum += a.ratio;
  return sum;
}

// Block `b` of `stratum`'s list: every arm ratio x multiple times, shuffled
// (Fisher-Yates, every draw from the keyed stream).
std::vector<std::string> OneBlock(const std::vector<ArmRatio>& arms,
                                  const BlockDesign& blocks,
                                  const std::string& seed,
                                  const std::string& stratum, int64_t b) {
  const int multiple = BlockMultiple(blocks, seed, stratum, b);
  std::vector<std::string> block;
  for (const ArmRatio& a : arms)
    for (int i = 0; i < a.ratio * multiple; ++i) block.push_back(a.arm_id);
  const std::string purpose = absl::StrCat("block:", stratum, ":", b);
  for (size_t i = block.size() - 1; i > 0; --i)
    std::swap(block[i], block[Below(seed, purpose, i, i + 1)]);
  return block;
}

}  // namespace

std::vector<std::vector<std::string>> Blocks(const std::vector<ArmRatio>& arms,
                                             const BlockDesign& blocks,
                                             const std::string& seed,
                                             const std::string& stratum,
                                             int64_t count) {
  std::vector<std::vector<std::string>> out;
  int64_t covered = 0;
  for (int64_t b = 0; covered < count || out.empty(); ++b) {
    out.push_back(OneBlock(arms, blocks, seed, stratum, b));
    covered += out.back().size();
  }
  return out;
}

std::string BlockAllocation(const std::vector<ArmRatio>& arms,
                            const BlockDesign& blocks, const std::string& seed,
                            const std::string& stratum, int64_t index) {
  // Only the sizes of the earlier blocks are drawn; only the block holding
  // `index` is shuffled (the same draws as Blocks makes).
  const int64_t ratio_sum = RatioSum(arms);
  int64_t offset = 0;
  for (int64_t b = 0;; ++b) {
    const int64_t size = ratio_sum * BlockMultiple(blocks, seed, stratum, b);
    if (index < offset + size)
      return OneBlock(arms, blocks, seed, stratum, b)[index - offset];
    offset += size;
  }
}

void AddToMargins(const std::vector<ArmRatio>& arms, const Enrolment& enrolment,
                  Margins& margins) {
  for (const auto& [factor, level] : enrolment.levels) {
    std::vector<double>& counts = margins[factor][level];
    counts.resize(arms.size(), 0);
    for (size_t a = 0; a < arms.size(); ++a)
      if (arms[a].arm_id == enrolment.arm_id) ++counts[a];
  }
}

absl::StatusOr<MinimisationChoice> MinimisationAllocation(
    const std::vector<ArmRatio>& arms, const MinimisationDesign& design,
    const std::string& seed, const std::vector<Enrolment>& earlier,
    const std::map<std::string, std::string>& levels) {
  Margins margins;
  for (const Enrolment& e : earlier) AddToMargins(arms, e, margins);
  return MinimisationAllocation(arms, design, seed,
                                static_cast<int64_t>(earlier.size()), margins,
                                levels);
}

absl::StatusOr<MinimisationChoice> MinimisationAllocation(
    const std::vector<ArmRatio>& arms, const MinimisationDesign& design,
    const std::string& seed, int64_t index, const Margins& margins,
    const std::map<std::string, std::string>& levels) {
  if (absl::Status s = CheckMinimisation(arms, design, seed); !s.ok()) return s;
  // Per factor: how many earlier enrolments with the new one's level each
  // arm has.
  std::map<std::string, std::vector<double>> counts;
  for (const auto& [factor, level] : levels) {
    std::vector<double>& c = counts[factor];
    c.assign(arms.size(), 0);
    auto f = margins.find(factor);
    if (f == margins.end()) continue;
    auto l = f->second.find(level);
    if (l != f->second.end()) c = l->second;
  }
  std::vector<double> score(arms.size(), 0);
  for (size_t candidate = 0; candidate < arms.size(); ++candidate) {
    for (const auto& [factor, c] : counts) {
      std::vector<double> with = c;
      ++with[candidate];
      auto w = design.factor_weights.find(factor);
      score[candidate] += (w == design.factor_weights.end() ? 1.0 : w->second) *
                          Spread(Adjusted(arms, with), design.imbalance);
    }
  }
  const double best = *std::min_element(score.begin(), score.end());
  std::vector<size_t> minimising, others;
  for (size_t a = 0; a < arms.size(); ++a)
    (std::fabs(score[a] - best) < 1e-12 ? minimising : others).push_back(a);
  MinimisationChoice choice;
  // Ties, or the random element: a draw weighted by the arms' ratios.
  const auto draw = [&](const std::vector<size_t>& from, const char* purpose) {
    int total = 0;
    for (size_t a : from) total += arms[a].ratio;
    int64_t pick = static_cast<int64_t>(Below(seed, purpose, index, total));
    for (size_t a : from) {
      if (pick < arms[a].ratio) return a;
      pick -= arms[a].ratio;
    }
    return from.back();
  };
  if (!others.empty() &&
      Unit(seed, "minimisation-follow", index) >= design.follow_probability) {
    choice.arm_id = arms[draw(others, "minimisation-other")].arm_id;
    choice.followed_minimising_arm = false;
    return choice;
  }
  choice.arm_id = arms[draw(minimising, "minimisation-tie")].arm_id;
  return choice;
}

std::string StratumKey(const std::map<std::string, std::string>& levels) {
  std::string key;
  for (const auto& [factor, level] : levels)
    absl::StrAppend(&key, key.empty() ? "" : ";", factor, "=", level);
  return key;
}

}  // namespace kip::trial
