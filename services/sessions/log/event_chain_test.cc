#include "services/sessions/log/event_chain.h"

#include "gtest/gtest.h"
#include "services/sessions/log/checkpoint_signer.h"

namespace kip::sessions {
namespace {

std::vector<StoredEventRow> Chain(int n) {
  std::vector<StoredEventRow> rows;
  std::string prev = kGenesisHashHex;
  for (int i = 1; i <= n; ++i) {
    v1::Event event;
    event.set_event_id("00000000-0000-0000-0000-00000000000" +
                       std::to_string(i));
    event.set_session_id("s");
    event.set_session_sequence(i);
    event.set_global_index(10 + i);
    event.set_prev_hash_hex(prev);
    event.mutable_pain_score()->set_nrs(i);
    event.set_hash_hex(*ChainHashHex(event));
    prev = event.hash_hex();
    rows.push_back(
        {i, 10 + i, event.event_id(), event.hash_hex(), CanonicalBytes(event)});
  }
  return rows;
}

TEST(EventChainTest, AnIntactChainVerifies) {
  std::vector<StoredEventRow> rows = Chain(4);
  ChainVerification result = VerifyChain(rows, 4, rows.back().hash_hex);
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.events_checked, 4);
}

TEST(EventChainTest, ChangedContentIsCaughtAtItsSequence) {
  std::vector<StoredEventRow> rows = Chain(4);
  v1::Event event;
  ASSERT_TRUE(event.ParseFromString(rows[2].record));
  event.mutable_pain_score()->set_nrs(0);
  rows[2].record = CanonicalBytes(event);
  ChainVerification result = VerifyChain(rows, 4, rows.back().hash_hex);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.first_bad_sequence, 3);
}

TEST(EventChainTest, RemovedReorderedAndTruncatedRowsAreCaught) {
  std::vector<StoredEventRow> rows = Chain(4);
  const std::string head = rows.back().hash_hex;
  std::vector<StoredEventRow> removed = rows;
  removed.erase(removed.begin() + 1);
  EXPECT_EQ(VerifyChain(removed, 4, head).first_bad_sequence, 2);

  std::vector<StoredEventRow> swapped = rows;
  std::swap(swapped[1], swapped[2]);
  std::swap(swapped[1].session_sequence, swapped[2].session_sequence);
  EXPECT_EQ(VerifyChain(swapped, 4, head).first_bad_sequence, 2);

  std::vector<StoredEventRow> truncated(rows.begin(), rows.end() - 1);
  EXPECT_FALSE(VerifyChain(truncated, 4, head).ok);
}

TEST(EventChainTest, ReplaysCompareOnClientContentOnly) {
  v1::Event event;
  event.set_event_id("id");
  event.mutable_note()->set_text("x");
  v1::Event stored = event;
  stored.set_session_sequence(7);
  stored.set_recorded_by("device-1");
  EXPECT_EQ(ContentDigestHex(event), ContentDigestHex(stored));
  stored.mutable_note()->set_text("y");
  EXPECT_NE(ContentDigestHex(event), ContentDigestHex(stored));
}

TEST(CheckpointSignerTest, SignaturesVerifyWithThePublishedKeyOnly) {
  auto signer = CheckpointSigner::Generate();
  ASSERT_TRUE(signer.ok());
  const std::string message = CheckpointMessage(8, "ab", absl::UnixEpoch());
  auto signature = (*signer)->Sign(message);
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(VerifyCheckpointSignature((*signer)->public_key_pem(), message,
                                        *signature));
  EXPECT_FALSE(VerifyCheckpointSignature((*signer)->public_key_pem(),
                                         message + "x", *signature));
}

}  // namespace
}  // namespace kip::sessions
