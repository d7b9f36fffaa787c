#include "services/sessions/trial/allocator.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/digest.h"
#include "services/sessions/trial/randomisation.h"

namespace kip::trial {

namespace {

constexpr double kDefaultFollowProbability = 0.8;
// Crockford's base32: no I, L, O or U to misread on a label.
constexpr char kKitAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::vector<ArmRatio> Ratios(const v1::Study& study) {
  std::vector<ArmRatio> arms;
  for (const v1::Arm& arm : study.arms())
    arms.push_back({arm.id(), arm.ratio() == 0 ? 1 : arm.ratio()});
  return arms;
}

BlockDesign BlockDesignOf(const v1::Study& study) {
  BlockDesign design;
  if (!study.randomisation().block_multiples().empty()) {
    design.multiples.assign(study.randomisation().block_multiples().begin(),
                            study.randomisation().block_multiples().end());
  }
  return design;
}

MinimisationDesign Minimisation(const v1::Study& study) {
  const v1::Randomisation& r = study.randomisation();
  MinimisationDesign design;
  design.imbalance =
      r.imbalance() == v1::VARIANCE ? Imbalance::kVariance : Imbalance::kRange;
  design.follow_probability = r.follow_probability() == 0
                                  ? kDefaultFollowProbability
                                  : r.follow_probability();
  for (const v1::FactorWeight& w : r.factor_weights())
    design.factor_weights[w.factor()] = w.weight();
  return design;
}

// The design checks name "randomisation.x"; in a study request that is
// "study.randomisation.x", and the arms are the study's.
absl::Status InStudy(const absl::Status& status) {
  if (status.ok()) return status;
  std::string message(status.message());
  if (message.rfind("randomisation.arms", 0) == 0) {
    message = "study.arms" + message.substr(18);
  } else {
    message = "study." + message;
  }
  return absl::Status(status.code(), message);
}

absl::Status CheckFactors(const v1::Study& study) {
  const v1::Randomisation& r = study.randomisation();
  std::set<std::string> seen;
  for (int i = 0; i < r.factors_size(); ++i) {
    const std::string& f = r.factors(i);
    if (std::find(KnownFactors().begin(), KnownFactors().end(), f) ==
        KnownFactors().end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("study.randomisation.factors[", i, "]: '", f,
                       "' is not one of site, sex, age_band, condition"));
    }
    if (!seen.insert(f).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "study.randomisation.factors[", i, "]: '", f, "' is repeated"));
    }
  }
  for (int i = 0; i < r.factor_weights_size(); ++i) {
    if (!seen.count(r.factor_weights(i).factor())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "study.randomisation.factor_weights[", i, "].factor: '",
          r.factor_weights(i).factor(), "' is not one of the study's factors"));
    }
  }
  return absl::OkStatus();
}

std::string KitCode(const std::string& seed, int64_t sequence, int retry) {
  const std::string mac =
      HmacSha256(seed, absl::StrCat("kit/", sequence, "/", retry));
  std::string code = "KIT-";
  for (int i = 0; i < 8; ++i)
    code += kKitAlphabet[static_cast<unsigned char>(mac[i]) % 32];
  return code;
}

}  // namespace

bool IsRandomised(const v1::Study& study) {
  return study.randomisation().method() == v1::PERMUTED_BLOCKS ||
         study.randomisation().method() == v1::MINIMISATION;
}

const std::vector<std::string>& KnownFactors() {
  static const auto* const kFactors =
      new std::vector<std::string>{"site", "sex", "age_band", "condition"};
  return *kFactors;
}

absl::Status ValidateRandomisation(const v1::Study& study) {
  const v1::Randomisation& r = study.randomisation();
  if (!v1::AllocationMethod_IsValid(r.method())) {
    return absl::InvalidArgumentError(
        "study.randomisation.method: is not an AllocationMethod");
  }
  if (!IsRandomised(study)) {
    if (study.blinded()) {
      return absl::InvalidArgumentError(
          "study.blinded: a blinded study must be randomised "
          "(randomisation.method PERMUTED_BLOCKS or MINIMISATION)");
    }
    return absl::OkStatus();
  }
  if (absl::Status s = CheckFactors(study); !s.ok()) return s;
  if (!v1::ImbalanceMeasure_IsValid(r.imbalance())) {
    return absl::InvalidArgumentError(
        "study.randomisation.imbalance: is not an ImbalanceMeasure");
  }
  const std::string placeholder_seed(32, 's');  // the seed is KIP's to make
  if (r.method() == v1::PERMUTED_BLOCKS) {
    return InStudy(
        CheckDesign(Ratios(study), BlockDesignOf(study), placeholder_seed));
  }
  return InStudy(
      CheckMinimisation(Ratios(study), Minimisation(study), placeholder_seed));
}

std::map<std::string, std::string> FactorLevels(const v1::Study& study,
                                                const v1::Patient& patient) {
  std::map<std::string, std::string> levels;
  for (const std::string& factor : study.randomisation().factors()) {
    if (factor == "site") levels[factor] = patient.site_id();
    if (factor == "sex")
      levels[factor] = kip::common::v1::Sex_Name(patient.sex());
    if (factor == "age_band") levels[factor] = patient.age_band();
    if (factor == "condition")
      levels[factor] = v1::Condition_Name(patient.condition());
  }
  return levels;
}

absl::StatusOr<v1::TrialLogEntry> Allocate(
    const v1::Study& study, const std::string& seed,
    const std::vector<v1::TrialLogEntry>& earlier, const v1::Patient& patient) {
  const std::vector<ArmRatio> arms = Ratios(study);
  const std::map<std::string, std::string> levels =
      FactorLevels(study, patient);
  v1::TrialLogEntry entry;
  entry.set_kind(v1::TrialLogEntry::ALLOCATION);
  entry.set_patient_id(patient.patient_id());
  entry.set_stratum(StratumKey(levels));
  for (const auto& [factor, level] : levels) {
    v1::FactorLevel* l = entry.add_levels();
    l->set_factor(factor);
    l->set_level(level);
  }
  std::set<std::string> kits;
  int64_t in_stratum = 0;
  for (const v1::TrialLogEntry& e : earlier) {
    kits.insert(e.kit_code());
    if (e.stratum() == entry.stratum()) ++in_stratum;
  }
  if (study.randomisation().method() == v1::PERMUTED_BLOCKS) {
    entry.set_stratum_index(in_stratum);
    entry.set_arm_id(BlockAllocation(arms, BlockDesignOf(study), seed,
                                     entry.stratum(), in_stratum));
    entry.set_followed_minimising_arm(false);
  } else {
    Margins margins;
    for (const v1::TrialLogEntry& e : earlier) {
      Enrolment enrolment;
      enrolment.arm_id = e.arm_id();
      for (const v1::FactorLevel& l : e.levels())
        enrolment.levels[l.factor()] = l.level();
      AddToMargins(arms, enrolment, margins);
    }
    absl::StatusOr<MinimisationChoice> choice = MinimisationAllocation(
        arms, Minimisation(study), seed, static_cast<int64_t>(earlier.size()),
        margins, levels);
    if (!choice.ok()) return choice.status();
    entry.set_arm_id(choice->arm_id);
    entry.set_followed_minimising_arm(choice->followed_minimising_arm);
  }
  if (study.blinded()) {
    const int64_t sequence = static_cast<int64_t>(earlier.size()) + 1;
    std::string kit;
    for (int retry = 0; kit.empty() || kits.count(kit); ++retry)
      kit = KitCode(seed, sequence, retry);
    entry.set_kit_code(kit);
  }
  return entry;
}

std::vector<v1::ScheduledAllocation> Schedule(
    const v1::Study& study, const std::string& seed,
    const std::vector<std::string>& strata, int length) {
  std::vector<v1::ScheduledAllocation> out;
  if (study.randomisation().method() != v1::PERMUTED_BLOCKS) return out;
  for (const std::string& stratum : strata) {
    const std::vector<std::vector<std::string>> blocks = kip::trial::Blocks(
        Ratios(study), BlockDesignOf(study), seed, stratum, length);
    int64_t index = 0;
    for (size_t b = 0; b < blocks.size() && index < length; ++b) {
      for (const std::string& arm : blocks[b]) {
        if (index >= length) break;
        v1::ScheduledAllocation* place = &*out.emplace(out.end());
        place->set_stratum(stratum);
        place->set_index(index++);
        place->set_block(static_cast<int32_t>(b));
        place->set_arm_id(arm);
      }
    }
  }
  return out;
}

}  // namespace kip::trial
