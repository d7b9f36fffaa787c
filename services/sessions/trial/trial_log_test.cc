// The trial log on each real database (SQLite, PostgreSQL): randomised
// enrolment assigns the arm and refuses the caller's, a retried enrolment
// keeps its first allocation, concurrent enrolments keep a dense chain,
// unblinding is logged and idempotent, and hand edits of stored rows - an
// allocation's arm, a patient's arm, a removed or replayed allocation, a
// swapped seed - are found.
#include "services/sessions/trial/trial_log.h"

#include <thread>

#include "gmock/gmock.h"
#include "services/sessions/store/row_codec.h"
#include "services/sessions/store/store_test_fixture.h"

namespace kip::sessions::testing {
namespace {

using ::testing::HasSubstr;
using trial::TrialKeys;
using trial::TrialLog;

class TrialLogTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    trial_ = std::make_unique<TrialLog>(
        *log_, *TrialKeys::FromSecret(std::string(32, 'k')));
    v1::Study study = MakeStudy("T1");
    study.mutable_randomisation()->set_method(v1::PERMUTED_BLOCKS);
    study.mutable_randomisation()->add_factors("site");
    study.set_blinded(true);
    auto created = trial_->CreateStudy(study);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  absl::StatusOr<v1::Patient> Enroll(const std::string& id) {
    v1::Patient p = MakePatient("T1", id);
    p.clear_arm_id();
    return trial_->Enroll(p, "clinician-1");
  }

  v1::VerifyAllocationsResponse Verify() {
    auto verified = trial_->Verify("T1");
    EXPECT_TRUE(verified.ok()) << verified.status();
    return verified.ok() ? *verified : v1::VerifyAllocationsResponse();
  }

  std::unique_ptr<TrialLog> trial_;
};

TEST_P(TrialLogTest, AssignsArmsRefusesTheCallersAndKeepsRetries) {
  v1::Patient chosen = MakePatient("T1", "P0");  // arm_id "ketamine"
  auto refused = trial_->Enroll(chosen, "clinician-1");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("patient.arm_id"));
  EXPECT_EQ(log_->GetPatient("T1", "P0").status().code(),
            absl::StatusCode::kNotFound);  // nothing written
  auto first = Enroll("P1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->arm_id().empty());
  EXPECT_THAT(first->kit_code(), ::testing::StartsWith("KIT-"));
  auto again = Enroll("P1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->kit_code(), first->kit_code());
  EXPECT_EQ(again->arm_id(), first->arm_id());
  v1::Patient changed = MakePatient("T1", "P1");
  changed.clear_arm_id();
  changed.set_baseline_pain_nrs(2);
  EXPECT_EQ(trial_->Enroll(changed, "c").status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Verify().entries_checked(), 1);
}

TEST_P(TrialLogTest, ConcurrentEnrolmentsKeepOneDenseChain) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto p = Enroll(absl::StrCat("P", t, "-", i));
        EXPECT_TRUE(p.ok()) << p.status();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const v1::VerifyAllocationsResponse verified = Verify();
  EXPECT_TRUE(verified.ok()) << verified.problem();
  EXPECT_EQ(verified.entries_checked(), 40);
  auto list = trial_->AllocationList({});
  EXPECT_FALSE(list.ok());  // no study id
  v1::GetAllocationListRequest request;
  request.set_study_id("T1");
  list = trial_->AllocationList(request);
  ASSERT_TRUE(list.ok()) << list.status();
  // One site, blocks of 2/4/6: never more than 3 apart.
  int ketamine = 0;
  for (const auto& e : list->entries()) ketamine += e.arm_id() == "ketamine";
  EXPECT_LE(std::abs(2 * ketamine - 40), 6);
}

TEST_P(TrialLogTest, UnblindingIsLoggedOnceAndClosesNothingElse) {
  ASSERT_TRUE(Enroll("P1").ok());
  ASSERT_TRUE(Enroll("P2").ok());
  v1::UnblindPatientRequest request;
  request.set_patient_id("P1");  // no study: found from the trial log
  request.set_reason("x");
  EXPECT_EQ(trial_->UnblindPatient(request, "c").status().code(),
            absl::StatusCode::kInvalidArgument);
  request.set_reason("anaphylaxis, treating physician needs the drug");
  auto unblinded = trial_->UnblindPatient(request, "clinician-1");
  ASSERT_TRUE(unblinded.ok()) << unblinded.status();
  EXPECT_FALSE(unblinded->patient().arm_id().empty());
  EXPECT_EQ(unblinded->entry().kind(), v1::TrialLogEntry::EMERGENCY_UNBLINDING);
  auto twice = trial_->UnblindPatient(request, "clinician-1");
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->entry().sequence(), unblinded->entry().sequence());
  auto view = trial_->View("T1");
  ASSERT_TRUE(view.ok());
  EXPECT_THAT(view->state->emergency_unblinded, ::testing::ElementsAre("P1"));
  EXPECT_FALSE(view->study.unblinded());
  EXPECT_TRUE(Verify().ok());

  v1::UnblindStudyRequest study;
  study.set_study_id("T1");
  study.set_reason("database lock, final analysis");
  auto whole = trial_->UnblindStudy(study, "admin-1");
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_TRUE(whole->unblinded());
  EXPECT_EQ(Enroll("P3").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Verify().entries_checked(), 4);
}

TEST_P(TrialLogTest, HandEditsOfStoredAllocationsAreFound) {
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(Enroll(absl::StrCat("P", i)).ok());
  ASSERT_TRUE(Verify().ok());
  auto list = trial_->AllocationList([] {
    v1::GetAllocationListRequest r;
    r.set_study_id("T1");
    return r;
  }());
  ASSERT_TRUE(list.ok());
  // A patient row's arm switched.
  v1::Patient p3 = *log_->GetPatient("T1", "P3");
  const std::string original_p3 = CanonicalBytes(p3);
  p3.set_arm_id(p3.arm_id() == "ketamine" ? "placebo" : "ketamine");
  std::string record = CanonicalBytes(p3);
  RawSql("UPDATE patients SET record = ?1 WHERE patient_id = 'P3'",
         "UPDATE patients SET record = $1 WHERE patient_id = 'P3'", &record);
  v1::VerifyAllocationsResponse found = Verify();
  EXPECT_FALSE(found.ok());
  EXPECT_THAT(found.problem(), HasSubstr("'P3'"));
  RawSql("UPDATE patients SET record = ?1 WHERE patient_id = 'P3'",
         "UPDATE patients SET record = $1 WHERE patient_id = 'P3'",
         &original_p3);
  ASSERT_TRUE(Verify().ok());

  // An allocation's arm switched in the log itself.
  v1::TrialLogEntry e2 = list->entries(1);
  e2.set_arm_id(e2.arm_id() == "ketamine" ? "placebo" : "ketamine");
  record = e2.SerializeAsString();
  RawSql("UPDATE trial_log SET record = ?1 WHERE sequence = 2",
         "UPDATE trial_log SET record = $1 WHERE sequence = 2", &record);
  found = Verify();
  EXPECT_FALSE(found.ok());
  EXPECT_EQ(found.first_bad_sequence(), 2);
  record = list->entries(1).SerializeAsString();
  RawSql("UPDATE trial_log SET record = ?1 WHERE sequence = 2",
         "UPDATE trial_log SET record = $1 WHERE sequence = 2", &record);
  ASSERT_TRUE(Verify().ok());

  // An allocation replayed as the next entry.
  record = list->entries(4).SerializeAsString();
  RawSql(
      "INSERT INTO trial_log SELECT study_id, 6, patient_id, hash_hex, record "
      "FROM trial_log WHERE sequence = 5",
      "INSERT INTO trial_log SELECT study_id, 6, patient_id, hash_hex, record "
      "FROM trial_log WHERE sequence = 5");
  found = Verify();
  EXPECT_FALSE(found.ok());
  EXPECT_EQ(found.first_bad_sequence(), 6);
  RawSql("DELETE FROM trial_log WHERE sequence = 6",
         "DELETE FROM trial_log WHERE sequence = 6");

  // An allocation removed.
  RawSql("DELETE FROM trial_log WHERE sequence = 3",
         "DELETE FROM trial_log WHERE sequence = 3");
  found = Verify();
  EXPECT_FALSE(found.ok());
  EXPECT_EQ(found.first_bad_sequence(), 4);

  // The seed's sealed bytes changed: allocation refuses, nothing written.
  RawSql(
      "UPDATE studies SET sealed_seed = "
      "X'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff' "
      "WHERE id = 'T1'",
      "UPDATE studies SET sealed_seed = "
      "'\\x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff' "
      "WHERE id = 'T1'");
  EXPECT_EQ(Enroll("P9").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(log_->GetPatient("T1", "P9").status().code(),
            absl::StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, TrialLogTest,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kip::sessions::testing
