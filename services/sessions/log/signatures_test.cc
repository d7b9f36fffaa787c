// Signatures on each real database (SQLite, PostgreSQL): a signature over a
// session's events verifies, a hand edit of a signed row breaks it (and the
// chain), and the signer needs a recent sign-in, a meaning and a name.
#include "services/sessions/log/signatures.h"

#include "gmock/gmock.h"
#include "services/sessions/store/row_codec.h"
#include "services/sessions/store/store_test_fixture.h"

namespace kip::sessions::testing {
namespace {

using ::testing::HasSubstr;

class SignatureStoreTest : public StoreTest {};

v1::SignRecordsRequest Request() {
  v1::SignRecordsRequest request;
  request.set_study_id("S1");
  request.set_patient_id("P1");
  request.set_meaning(v1::REVIEWED);
  request.set_printed_name("Dr B. Reviewer");
  return request;
}

TEST(SignerTest, NeedsARecentSignInAMeaningAndAName) {
  const absl::Time now = absl::Now();
  Principal signer{"clinician-1", Role::kClinician, "site-a",
                   now + absl::Hours(1), now - absl::Minutes(4)};
  EXPECT_TRUE(CheckSigner(signer, Request(), now).ok());
  signer.authenticated_at = now - absl::Minutes(6);
  EXPECT_EQ(CheckSigner(signer, Request(), now).code(),
            absl::StatusCode::kUnauthenticated);
  signer.authenticated_at.reset();
  EXPECT_EQ(CheckSigner(signer, Request(), now).code(),
            absl::StatusCode::kUnauthenticated);
  signer.authenticated_at = now;
  v1::SignRecordsRequest bad = Request();
  bad.clear_meaning();
  EXPECT_THAT(CheckSigner(signer, bad, now).message(), HasSubstr("meaning"));
  bad = Request();
  bad.set_printed_name(std::string(201, 'n'));
  EXPECT_THAT(CheckSigner(signer, bad, now).message(),
              HasSubstr("printed_name"));
}

TEST_P(SignatureStoreTest, ATamperedSignedRowBreaksTheSignature) {
  const std::string session_id = SeedOneSession();
  ASSERT_TRUE(log_->Append({PainEvent(session_id, 7)}, "pump").ok());
  ASSERT_TRUE(log_->Append({PainEvent(session_id, 5)}, "pump").ok());
  auto rows = log_->store().SessionEvents(session_id, 0);
  ASSERT_TRUE(rows.ok());
  const absl::Time now = absl::Now();
  const Principal signer{"clinician-1", Role::kClinician, "site-a",
                         now + absl::Hours(1), now};
  v1::SignRecordsRequest request = Request();
  request.set_session_id(session_id);
  auto signature =
      SignatureEvent(signer, request, session_id, NewUuid(), *rows, now);
  ASSERT_TRUE(signature.ok()) << signature.status();
  signature->set_event_id(NewUuid());
  EXPECT_EQ(signature->signature().records_size(), 2);
  // Only the server may write it.
  EXPECT_EQ(log_->Append({*signature}, "clinician-1").status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(
      log_->Append({*signature}, "clinician-1", absl::InfiniteFuture(), true)
          .ok());
  auto verified = log_->VerifySession(session_id);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok());
  ASSERT_EQ(verified->signatures_size(), 1);
  EXPECT_EQ(verified->signatures(0).state(), v1::SignatureCheck::VALID);

  // The first signed pain score edited in the database.
  v1::Event stored;
  ASSERT_TRUE(stored.ParseFromString(RawRecord(0)));
  stored.mutable_pain_score()->set_nrs(1);
  const std::string record = CanonicalBytes(stored);
  RawSql("UPDATE events SET record = ?1 WHERE global_index = 0",
         "UPDATE events SET record = $1 WHERE global_index = 0", &record);
  verified = log_->VerifySession(session_id);
  ASSERT_TRUE(verified.ok());
  EXPECT_FALSE(verified->ok());
  ASSERT_EQ(verified->signatures_size(), 1);
  EXPECT_EQ(verified->signatures(0).state(), v1::SignatureCheck::BROKEN);
  EXPECT_THAT(verified->signatures(0).detail(),
              HasSubstr("no longer hashes as signed"));
}

INSTANTIATE_TEST_SUITE_P(Backends, SignatureStoreTest,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kip::sessions::testing
