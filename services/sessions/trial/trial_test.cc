// The trial domain without servers: the sealed seed, the keyed trial log and
// its verification, allocation from a study, and who sees arms.
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/sessions/trial/allocator.h"
#include "services/sessions/trial/arm_visibility.h"
#include "services/sessions/trial/trial_chain.h"
#include "services/sessions/trial/trial_keys.h"

namespace kip::trial {
namespace {

using ::testing::HasSubstr;

const std::string kSecret(32, 'k');

v1::Study BlindedStudy() {
  v1::Study study;
  study.set_id("S");
  study.set_title("t");
  for (const char* id : {"ketamine", "placebo"}) {
    v1::Arm* arm = study.add_arms();
    arm->set_id(id);
    arm->set_title(id);
  }
  study.mutable_randomisation()->set_method(v1::PERMUTED_BLOCKS);
  study.mutable_randomisation()->add_factors("site");
  study.set_blinded(true);
  return study;
}

v1::Patient PatientAt(const std::string& id, const std::string& site) {
  v1::Patient p;
  p.set_study_id("S");
  p.set_patient_id(id);
  p.set_site_id(site);
  return p;
}

TEST(TrialKeysTest, SealsPerStudyAndRefusesAnotherKeyOrStudy) {
  auto keys = TrialKeys::FromSecret(kSecret);
  ASSERT_TRUE(keys.ok());
  auto sealed = keys->Seal("S", "the seed of S, 32 bytes long....");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->find("the seed"), std::string::npos);
  EXPECT_EQ(*keys->Unseal("S", *sealed), "the seed of S, 32 bytes long....");
  EXPECT_EQ(keys->Unseal("T", *sealed).status().code(),
            absl::StatusCode::kDataLoss);
  auto other = TrialKeys::FromSecret(std::string(32, 'x'));
  EXPECT_EQ(other->Unseal("S", *sealed).status().code(),
            absl::StatusCode::kDataLoss);
  std::string flipped = *sealed;
  flipped[14] ^= 1;
  EXPECT_EQ(keys->Unseal("S", flipped).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(TrialKeys::FromSecret("short").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AllocatorTest, ValidatesWithFieldPaths) {
  v1::Study study = BlindedStudy();
  EXPECT_TRUE(ValidateRandomisation(study).ok());
  study.mutable_randomisation()->add_factors("weight");
  EXPECT_THAT(ValidateRandomisation(study).message(),
              HasSubstr("study.randomisation.factors[1]"));
  study = BlindedStudy();
  study.mutable_arms(1)->set_ratio(11);
  EXPECT_THAT(ValidateRandomisation(study).message(),
              HasSubstr("study.arms[1].ratio"));
  study = BlindedStudy();
  study.mutable_randomisation()->set_method(v1::CALLER);
  EXPECT_THAT(ValidateRandomisation(study).message(),
              HasSubstr("study.blinded"));
  study = BlindedStudy();
  study.mutable_randomisation()->set_method(v1::MINIMISATION);
  study.mutable_randomisation()->set_follow_probability(0.4);
  EXPECT_THAT(ValidateRandomisation(study).message(),
              HasSubstr("study.randomisation.follow_probability"));
}

TEST(AllocatorTest, KitCodesAreUniqueAndBlocksBalancePerSite) {
  const v1::Study study = BlindedStudy();
  const std::string seed(32, 's');
  std::vector<v1::TrialLogEntry> earlier;
  std::set<std::string> kits;
  std::map<std::string, std::map<std::string, int>> by_site;
  for (int i = 0; i < 120; ++i) {
    const std::string site = i % 3 == 0 ? "a" : "b";
    auto entry = Allocate(study, seed, earlier,
                          PatientAt("P" + std::to_string(i), site));
    ASSERT_TRUE(entry.ok());
    EXPECT_EQ(entry->stratum(), "site=" + site);
    EXPECT_THAT(entry->kit_code(), ::testing::StartsWith("KIT-"));
    EXPECT_TRUE(kits.insert(entry->kit_code()).second);
    by_site[site][entry->arm_id()]++;
    earlier.push_back(*entry);
  }
  // Blocks of 2, 4 or 6: within a site the arms differ by at most 3.
  for (auto& [site, counts] : by_site)
    EXPECT_LE(std::abs(counts["ketamine"] - counts["placebo"]), 3) << site;
  // The same seed gives the same list; the kit code does not follow the arm.
  std::vector<v1::TrialLogEntry> again;
  for (int i = 0; i < 120; ++i) {
    auto entry =
        Allocate(study, seed, again,
                 PatientAt("P" + std::to_string(i), i % 3 == 0 ? "a" : "b"));
    EXPECT_EQ(entry->arm_id(), earlier[i].arm_id());
    again.push_back(*entry);
  }
}

TEST(TrialChainTest, FindsAChangedRemovedOrReplayedEntryAndAMovedArm) {
  const v1::Study study = BlindedStudy();
  const std::string seed(32, 's');
  auto keys = TrialKeys::FromSecret(kSecret);
  std::vector<v1::TrialLogEntry> entries;
  std::vector<TrialLogRow> rows;
  std::vector<v1::Patient> patients;
  for (int i = 0; i < 6; ++i) {
    v1::Patient p = PatientAt("P" + std::to_string(i), "a");
    auto entry = Allocate(study, seed, entries, p);
    entry->set_study_id("S");
    rows.push_back(Chain(keys->chain_key(),
                         entries.empty() ? nullptr : &entries.back(), *entry));
    entries.push_back(*entry);
    p.set_arm_id(entry->arm_id());
    p.set_kit_code(entry->kit_code());
    patients.push_back(p);
  }
  EXPECT_TRUE(VerifyTrialLog(keys->chain_key(), "S", rows, patients).ok());

  // An allocation's arm changed in its row: its hash no longer matches.
  std::vector<TrialLogRow> changed = rows;
  v1::TrialLogEntry e = entries[2];
  e.set_arm_id(e.arm_id() == "ketamine" ? "placebo" : "ketamine");
  changed[2].record = e.SerializeAsString();
  auto bad = VerifyTrialLog(keys->chain_key(), "S", changed, patients);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.first_bad_sequence(), 3);
  // Rehashed without the key: still found.
  e.set_hash_hex(EntryHashHex(std::string(32, 'x'), e));
  changed[2].record = e.SerializeAsString();
  changed[2].hash_hex = e.hash_hex();
  EXPECT_EQ(VerifyTrialLog(keys->chain_key(), "S", changed, patients)
                .first_bad_sequence(),
            3);
  // An entry removed.
  std::vector<TrialLogRow> removed = rows;
  removed.erase(removed.begin() + 1);
  EXPECT_EQ(VerifyTrialLog(keys->chain_key(), "S", removed, patients)
                .first_bad_sequence(),
            3);
  // An allocation replayed at the end.
  std::vector<TrialLogRow> replayed = rows;
  replayed.push_back(rows[4]);
  replayed.back().sequence = 7;
  EXPECT_FALSE(VerifyTrialLog(keys->chain_key(), "S", replayed, patients).ok());
  // A patient row's arm moved: found against its allocation.
  std::vector<v1::Patient> moved = patients;
  moved[0].set_arm_id(moved[0].arm_id() == "ketamine" ? "placebo" : "ketamine");
  auto moved_result = VerifyTrialLog(keys->chain_key(), "S", rows, moved);
  EXPECT_FALSE(moved_result.ok());
  EXPECT_THAT(moved_result.problem(), HasSubstr("'P0'"));
}

TEST(ArmVisibilityTest, OnlyUnblindedRolesSeeArmsUntilUnblinding) {
  v1::Study study = BlindedStudy();
  TrialState state;
  for (Role role : {Role::kDevice, Role::kClinician, Role::kResearcher}) {
    v1::Study shown = study;
    ShowStudy(role, shown);
    EXPECT_EQ(shown.arms_size(), 0);
    EXPECT_EQ(shown.blinded_arm_count(), 2);
    v1::Patient p = PatientAt("P1", "a");
    p.set_arm_id("ketamine");
    ShowPatient(role, study, state, p);
    EXPECT_EQ(p.arm_id(), "");
    EXPECT_TRUE(p.arm_withheld());
  }
  for (Role role : {Role::kStatistician, Role::kAdmin, Role::kPharmacy}) {
    v1::Patient p = PatientAt("P1", "a");
    p.set_arm_id("ketamine");
    ShowPatient(role, study, state, p);
    EXPECT_EQ(p.arm_id(), "ketamine");
  }
  // Emergency unblinding of P1: the bedside sees P1's arm, not P2's, and
  // the researcher still sees neither.
  state.emergency_unblinded.insert("P1");
  v1::Patient p1 = PatientAt("P1", "a"), p2 = PatientAt("P2", "a");
  p1.set_arm_id("ketamine");
  p2.set_arm_id("placebo");
  v1::Patient researcher_p1 = p1;
  ShowPatient(Role::kClinician, study, state, p1);
  ShowPatient(Role::kClinician, study, state, p2);
  ShowPatient(Role::kResearcher, study, state, researcher_p1);
  EXPECT_EQ(p1.arm_id(), "ketamine");
  EXPECT_TRUE(p1.emergency_unblinded());
  EXPECT_EQ(p2.arm_id(), "");
  EXPECT_EQ(researcher_p1.arm_id(), "");
  // The study unblinded: everyone sees arms.
  study.set_unblinded(true);
  v1::Study shown = study;
  ShowStudy(Role::kResearcher, shown);
  EXPECT_EQ(shown.arms_size(), 2);
}

}  // namespace
}  // namespace kip::trial
