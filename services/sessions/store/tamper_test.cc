// Hand edits of stored rows, in each real database: VerifySession names the
// first bad link, a restarted log refuses to sign or append over rewritten
// history, and an auditor's old checkpoint no longer verifies.
#include "gmock/gmock.h"
#include "services/sessions/log/event_chain.h"
#include "services/sessions/log/merkle.h"
#include "services/sessions/store/row_codec.h"
#include "services/sessions/store/store_test_fixture.h"

namespace kip::sessions::testing {
namespace {

using ::testing::HasSubstr;

class TamperTest : public StoreTest {
 protected:
  // Five pain scores in one session, and a checkpoint an auditor keeps.
  void SetUp() override {
    StoreTest::SetUp();
    session_id_ = SeedOneSession();
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(log_->Append({PainEvent(session_id_, 8 - i)}, "pump-7").ok());
    }
    auto checkpoint = log_->Checkpoint();
    ASSERT_TRUE(checkpoint.ok());
    checkpoint_ = *checkpoint;
  }

  void UpdateRecord(int64_t global_index, const v1::Event& event) {
    const std::string record = CanonicalBytes(event);
    RawSql(absl::StrCat("UPDATE events SET record = ?1 WHERE global_index = ",
                        global_index),
           absl::StrCat("UPDATE events SET record = $1 WHERE global_index = ",
                        global_index),
           &record);
  }

  v1::Event Stored(int64_t global_index) {
    v1::Event event;
    EXPECT_TRUE(event.ParseFromString(RawRecord(global_index)));
    return event;
  }

  // What an auditor holding checkpoint_ concludes about the current rows.
  bool AuditorAcceptsCurrentRows() {
    auto leaves = log_->store().LeafHashesFrom(0);
    EXPECT_TRUE(leaves.ok());
    std::vector<std::string> hashes;
    for (const auto& [index, hash_hex] : *leaves) {
      if (index != static_cast<int64_t>(hashes.size())) return false;
      hashes.push_back(MerkleLeafHash(*HexDecode(hash_hex)));
    }
    const int64_t old_size = checkpoint_.tree_size();
    if (static_cast<int64_t>(hashes.size()) < old_size) return false;
    auto proof = MerkleConsistencyProof(hashes, old_size);
    return proof.ok() &&
           VerifyMerkleConsistency(old_size, hashes.size(),
                                   *HexDecode(checkpoint_.root_hash_hex()),
                                   MerkleRoot(hashes), *proof);
  }

  void ExpectRestartedLogRefuses() {
    Reopen();
    EXPECT_EQ(log_->Checkpoint().status().code(), absl::StatusCode::kDataLoss);
    auto append = log_->Append({PainEvent(session_id_, 1)}, "pump-7");
    EXPECT_EQ(append.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_FALSE(log_->VerifySession(session_id_)->ok());
  }

  std::string session_id_;
  v1::GetCheckpointResponse checkpoint_;
};

TEST_P(TamperTest, IntactRowsVerifyAndTheAuditorAgrees) {
  EXPECT_TRUE(log_->VerifySession(session_id_)->ok());
  EXPECT_TRUE(AuditorAcceptsCurrentRows());
  Reopen();
  EXPECT_TRUE(log_->Checkpoint().ok());
}

TEST_P(TamperTest, AChangedValueIsCaughtAtItsSequence) {
  v1::Event event = Stored(2);
  event.mutable_pain_score()->set_nrs(0);
  UpdateRecord(2, event);
  auto verified = log_->VerifySession(session_id_);
  EXPECT_FALSE(verified->ok());
  EXPECT_EQ(verified->first_bad_sequence(), 3);
  EXPECT_THAT(verified->problem(), HasSubstr("hash mismatch"));
}

TEST_P(TamperTest, ARehashedChainIsCaughtByTheMerkleLog) {
  // A careful forger rewrites event 3 and re-links every later hash and the
  // session head, so the chain alone verifies.
  std::string prev = Stored(1).hash_hex();
  for (int64_t i = 2; i < 5; ++i) {
    v1::Event event = Stored(i);
    if (i == 2) event.mutable_pain_score()->set_nrs(0);
    event.set_prev_hash_hex(prev);
    event.set_hash_hex(*ChainHashHex(event));
    prev = event.hash_hex();
    UpdateRecord(i, event);
    RawSql(absl::StrCat("UPDATE events SET hash_hex = '", prev,
                        "' WHERE global_index = ", i),
           absl::StrCat("UPDATE events SET hash_hex = '", prev,
                        "' WHERE global_index = ", i));
  }
  RawSql(absl::StrCat("UPDATE sessions SET head_hash_hex = '", prev, "'"),
         absl::StrCat("UPDATE sessions SET head_hash_hex = '", prev, "'"));
  EXPECT_FALSE(AuditorAcceptsCurrentRows());
  ExpectRestartedLogRefuses();
  EXPECT_THAT(log_->VerifySession(session_id_)->problem(),
              HasSubstr("signed checkpoint"));
}

TEST_P(TamperTest, ADeletedRowIsCaught) {
  RawSql("DELETE FROM events WHERE global_index = 1",
         "DELETE FROM events WHERE global_index = 1");
  auto verified = log_->VerifySession(session_id_);
  EXPECT_FALSE(verified->ok());
  EXPECT_EQ(verified->first_bad_sequence(), 2);
  EXPECT_FALSE(AuditorAcceptsCurrentRows());
  ExpectRestartedLogRefuses();
}

TEST_P(TamperTest, ADeletedTailWithARewoundHeadIsCaught) {
  const std::string new_head = Stored(3).hash_hex();
  RawSql("DELETE FROM events WHERE global_index = 4",
         "DELETE FROM events WHERE global_index = 4");
  RawSql(absl::StrCat("UPDATE sessions SET event_count = 4, head_hash_hex = '",
                      new_head, "'"),
         absl::StrCat("UPDATE sessions SET event_count = 4, head_hash_hex = '",
                      new_head, "'"));
  EXPECT_FALSE(AuditorAcceptsCurrentRows());
  ExpectRestartedLogRefuses();
}

TEST_P(TamperTest, ReorderedRowsAreCaught) {
  RawSql("UPDATE events SET session_sequence = -1 WHERE global_index = 1",
         "UPDATE events SET session_sequence = -1 WHERE global_index = 1");
  RawSql("UPDATE events SET session_sequence = 2 WHERE global_index = 2",
         "UPDATE events SET session_sequence = 2 WHERE global_index = 2");
  RawSql("UPDATE events SET session_sequence = 3 WHERE global_index = 1",
         "UPDATE events SET session_sequence = 3 WHERE global_index = 1");
  auto verified = log_->VerifySession(session_id_);
  EXPECT_FALSE(verified->ok());
  EXPECT_EQ(verified->first_bad_sequence(), 2);
}

TEST_P(TamperTest, AnEditedIndexColumnIsCaught) {
  RawSql("UPDATE events SET event_id = 'x' WHERE global_index = 0",
         "UPDATE events SET event_id = 'x' WHERE global_index = 0");
  EXPECT_EQ(log_->VerifySession(session_id_)->first_bad_sequence(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, TamperTest,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kip::sessions::testing
