// Randomisation of a trial's enrolments (issue #15): stratified permuted
// blocks with randomly chosen block sizes, and minimisation (Pocock-Simon,
// range or variance imbalance, following the minimising arm with a stated
// probability), both with unequal allocation ratios. Every random choice comes
// from a keyed stream, HMAC-SHA-256(seed, purpose || counter), so the list is
// reproducible from the study's sealed seed (a statistician can re-derive and
// check it) and unpredictable without it. No gRPC, no storage.
#ifndef KIP_SERVICES_SESSIONS_TRIAL_RANDOMISATION_H_
#define KIP_SERVICES_SESSIONS_TRIAL_RANDOMISATION_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kip::trial {

struct ArmRatio {
  std::string arm_id;
  int ratio = 1;  // 1..10; the allocation ratio is ratio : sum of ratios
};

struct BlockDesign {
  // Block sizes as multiples of the ratios' sum (1:1 with {1, 2, 3}: blocks of
  // 2, 4 or 6), each block's size chosen at random.
  std::vector<int> multiples = {1, 2, 3};
};

enum class Imbalance { kRange, kVariance };

struct MinimisationDesign {
  Imbalance imbalance = Imbalance::kRange;
  double follow_probability = 0.8;  // (0.5, 1]: assign the minimising arm
  std::map<std::string, double> factor_weights;  // default 1 per factor
};

// Numbers of allocations to each arm, in `arms` order.
using ArmCounts = std::vector<int64_t>;

// INVALID_ARGUMENT naming the field: no arms, a ratio outside 1..10, a block
// multiple < 1, a probability outside (0.5, 1], a seed shorter than 16 bytes.
absl::Status CheckDesign(const std::vector<ArmRatio>& arms,
                         const BlockDesign& blocks, const std::string& seed);
absl::Status CheckMinimisation(const std::vector<ArmRatio>& arms,
                               const MinimisationDesign& design,
                               const std::string& seed);

// The first blocks of `stratum`'s list under permuted blocks, enough to
// cover `count` enrolments: each block a random size (a multiple of the
// ratios' sum) holding every arm ratio x multiple times, in random order. The
// same for the same seed and stratum, always.
std::vector<std::vector<std::string>> Blocks(const std::vector<ArmRatio>& arms,
                                             const BlockDesign& blocks,
                                             const std::string& seed,
                                             const std::string& stratum,
                                             int64_t count);

// The arm of the `index`-th (0-based) enrolment of `stratum`.
std::string BlockAllocation(const std::vector<ArmRatio>& arms,
                            const BlockDesign& blocks, const std::string& seed,
                            const std::string& stratum, int64_t index);

// One earlier enrolment under minimisation: its factor levels and its arm.
struct Enrolment {
  std::map<std::string, std::string> levels;  // factor -> level
  std::string arm_id;
};

struct MinimisationChoice {
  std::string arm_id;
  bool followed_minimising_arm = true;  // false: the random element chose
};

// Earlier enrolments by factor, level and arm (in `arms` order): what
// minimisation balances.
using Margins =
    std::map<std::string, std::map<std::string, std::vector<double>>>;
void AddToMargins(const std::vector<ArmRatio>& arms, const Enrolment& enrolment,
                  Margins& margins);

// The arm of enrolment number `index` (0-based: the number of earlier ones)
// with `levels`, given the earlier enrolments' margins.
absl::StatusOr<MinimisationChoice> MinimisationAllocation(
    const std::vector<ArmRatio>& arms, const MinimisationDesign& design,
    const std::string& seed, int64_t index, const Margins& margins,
    const std::map<std::string, std::string>& levels);
// The same from the earlier enrolments themselves.
absl::StatusOr<MinimisationChoice> MinimisationAllocation(
    const std::vector<ArmRatio>& arms, const MinimisationDesign& design,
    const std::string& seed, const std::vector<Enrolment>& earlier,
    const std::map<std::string, std::string>& levels);

// A stratum's key from the enrolment's strata levels (factor=level, sorted).
std::string StratumKey(const std::map<std::string, std::string>& levels);

}  // namespace kip::trial

#endif  // KIP_SERVICES_SESSIONS_TRIAL_RANDOMISATION_H_
