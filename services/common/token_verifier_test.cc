#include "services/common/token_verifier.h"

#include <gtest/gtest.h>
#include <jwt.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "services/common/testing/test_pki.h"
#include "services/common/token_signer.h"

namespace kip {
namespace {

using ::kip::testing::KeyPair;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

TokenClaims GoodClaims() {
  return TokenClaims{"pump-17", "device", "site-a", kNow + absl::Hours(1),
                     std::nullopt};
}

class TokenVerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ec_ = new KeyPair(::kip::testing::NewEcP256KeyPair());
    other_ec_ = new KeyPair(::kip::testing::NewEcP256KeyPair());
    rsa_ = new KeyPair(::kip::testing::NewRsaKeyPair());
  }
  static std::string Sign(const KeyPair& keys, const TokenClaims& claims) {
    auto signer = TokenSigner::FromPrivateKeyPem(keys.private_pem);
    EXPECT_TRUE(signer.ok()) << signer.status();
    auto token = signer->Sign(claims);
    EXPECT_TRUE(token.ok()) << token.status();
    return *token;
  }
  static TokenVerifier Verifier(const std::vector<std::string>& pems) {
    auto verifier = TokenVerifier::FromPublicKeyPems(pems);
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    return *std::move(verifier);
  }
  static KeyPair* ec_;
  static KeyPair* other_ec_;
  static KeyPair* rsa_;
};
KeyPair* TokenVerifierTest::ec_ = nullptr;
KeyPair* TokenVerifierTest::other_ec_ = nullptr;
KeyPair* TokenVerifierTest::rsa_ = nullptr;

void ExpectUnauthenticated(const absl::StatusOr<Principal>& result,
                           absl::string_view message_part) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(result.status().message().find(message_part),
            absl::string_view::npos)
      << result.status();
}

TEST_F(TokenVerifierTest, AcceptsValidEs256TokenWithItsClaims) {
  auto who = Verifier({ec_->public_pem}).Verify(Sign(*ec_, GoodClaims()), kNow);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->subject, "pump-17");
  EXPECT_EQ(who->role, Role::kDevice);
  EXPECT_EQ(who->site, "site-a");
  EXPECT_EQ(who->expires, kNow + absl::Hours(1));
}

TEST_F(TokenVerifierTest, AcceptsValidRs256Token) {
  auto signer = TokenSigner::FromPrivateKeyPem(rsa_->private_pem);
  ASSERT_TRUE(signer.ok());
  EXPECT_EQ(signer->algorithm(), "RS256");
  auto who =
      Verifier({rsa_->public_pem}).Verify(Sign(*rsa_, GoodClaims()), kNow);
  EXPECT_TRUE(who.ok()) << who.status();
}

TEST_F(TokenVerifierTest, AnyConfiguredKeyVerifiesForRotation) {
  TokenVerifier verifier = Verifier({other_ec_->public_pem, ec_->public_pem});
  EXPECT_TRUE(verifier.Verify(Sign(*ec_, GoodClaims()), kNow).ok());
  EXPECT_TRUE(verifier.Verify(Sign(*other_ec_, GoodClaims()), kNow).ok());
}

TEST_F(TokenVerifierTest, RejectsMissingToken) {
  ExpectUnauthenticated(Verifier({ec_->public_pem}).Verify("", kNow),
                        "missing");
}

TEST_F(TokenVerifierTest, RejectsExpiredToken) {
  TokenClaims claims = GoodClaims();
  claims.expires = kNow - absl::Minutes(5);
  ExpectUnauthenticated(
      Verifier({ec_->public_pem}).Verify(Sign(*ec_, claims), kNow), "expired");
}

TEST_F(TokenVerifierTest, ToleratesSmallClockSkewOnly) {
  TokenClaims claims = GoodClaims();
  claims.expires = kNow - absl::Seconds(10);
  EXPECT_TRUE(
      Verifier({ec_->public_pem}).Verify(Sign(*ec_, claims), kNow).ok());
  claims.expires = kNow - TokenVerifier::kClockSkew;
  EXPECT_FALSE(
      Verifier({ec_->public_pem}).Verify(Sign(*ec_, claims), kNow).ok());
}

TEST_F(TokenVerifierTest, RejectsNotYetValidToken) {
  TokenClaims claims = GoodClaims();
  claims.not_before = kNow + absl::Minutes(10);
  ExpectUnauthenticated(
      Verifier({ec_->public_pem}).Verify(Sign(*ec_, claims), kNow),
      "not yet valid");
}

TEST_F(TokenVerifierTest, ACachedTokenStillExpiresAndNbfStillHolds) {
  TokenVerifier verifier = Verifier({ec_->public_pem});
  TokenClaims claims = GoodClaims();
  claims.not_before = kNow - absl::Minutes(1);
  claims.expires = kNow + absl::Minutes(10);
  const std::string token = Sign(*ec_, claims);
  EXPECT_TRUE(verifier.Verify(token, kNow).ok());
  EXPECT_TRUE(
      verifier.Verify(token, kNow + absl::Minutes(5)).ok());  // from the cache
  ExpectUnauthenticated(verifier.Verify(token, kNow + absl::Minutes(11)),
                        "expired");
  ExpectUnauthenticated(verifier.Verify(token, kNow - absl::Minutes(2)),
                        "not yet valid");
  // A changed byte is a different token: verified afresh, and refused.
  std::string tampered = token;
  tampered[tampered.size() / 2] ^= 0x01;
  EXPECT_FALSE(verifier.Verify(tampered, kNow).ok());
}

TEST_F(TokenVerifierTest, RejectsTokenSignedByAnotherKey) {
  ExpectUnauthenticated(
      Verifier({ec_->public_pem}).Verify(Sign(*other_ec_, GoodClaims()), kNow),
      "rejected");
}

TEST_F(TokenVerifierTest, RejectsRsaTokenWhenOnlyEcKeyConfigured) {
  ExpectUnauthenticated(
      Verifier({ec_->public_pem}).Verify(Sign(*rsa_, GoodClaims()), kNow),
      "rejected");
}

std::string Base64Url(absl::string_view text) {
  std::string out;
  absl::WebSafeBase64Escape(text, &out);
  return out;
}

TEST_F(TokenVerifierTest, RejectsAlgNone) {
  const std::string payload =
      R"({"sub":"x","role":"admin","site":"s","exp":1900000000})";
  for (const char* header : {R"({"alg":"none","typ":"JWT"})",
                             R"({"alg":"none"})", R"({"alg":"NONE"})"}) {
    const std::string token =
        Base64Url(header) + "." + Base64Url(payload) + ".";
    ExpectUnauthenticated(Verifier({ec_->public_pem}).Verify(token, kNow),
                          "rejected");
  }
}

TEST_F(TokenVerifierTest, RejectsHs256KeyedWithThePublicKey) {
  // The classic algorithm-confusion attack: HMAC with the public PEM as secret.
  jwt_t* jwt = nullptr;
  ASSERT_EQ(jwt_new(&jwt), 0);
  ASSERT_EQ(jwt_set_alg(
                jwt, JWT_ALG_HS256,
                reinterpret_cast<const unsigned char*>(ec_->public_pem.data()),
                static_cast<int>(ec_->public_pem.size())),
            0);
  jwt_add_grant(jwt, "sub", "attacker");
  jwt_add_grant(jwt, "role", "admin");
  jwt_add_grant(jwt, "site", "site-a");
  jwt_add_grant_int(jwt, "exp", absl::ToUnixSeconds(kNow + absl::Hours(1)));
  char* encoded = jwt_encode_str(jwt);
  ASSERT_NE(encoded, nullptr);
  const std::string token(encoded);
  free(encoded);
  jwt_free(jwt);
  ExpectUnauthenticated(Verifier({ec_->public_pem}).Verify(token, kNow),
                        "rejected");
}

TEST_F(TokenVerifierTest, RejectsTamperedPayload) {
  const std::string token = Sign(*ec_, GoodClaims());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &payload));
  const size_t at = payload.find("\"device\"");
  ASSERT_NE(at, std::string::npos);
  payload.replace(at, 8, "\"admin\"");
  const std::string tampered =
      parts[0] + "." + Base64Url(payload) + "." + parts[2];
  ExpectUnauthenticated(Verifier({ec_->public_pem}).Verify(tampered, kNow),
                        "rejected");
}

TEST_F(TokenVerifierTest, RejectsTamperedSignatureAndGarbage) {
  std::string token = Sign(*ec_, GoodClaims());
  // A middle character: the last one of a base64url signature carries unused
  // bits that decoders ignore, so changing it may leave the signature intact.
  char& c = token[token.rfind('.') + 10];
  c = c == 'A' ? 'B' : 'A';
  TokenVerifier verifier = Verifier({ec_->public_pem});
  ExpectUnauthenticated(verifier.Verify(token, kNow), "rejected");
  for (const char* garbage :
       {"x", "a.b.c", "..", "Bearer", "\xff\xfe.\x01.\x02"}) {
    ExpectUnauthenticated(verifier.Verify(garbage, kNow), "rejected");
  }
  ExpectUnauthenticated(verifier.Verify(std::string(10000, 'a'), kNow),
                        "too long");
}

TEST_F(TokenVerifierTest, RejectsMissingOrUnknownClaims) {
  TokenVerifier verifier = Verifier({ec_->public_pem});
  TokenClaims claims = GoodClaims();
  claims.role = "superuser";
  ExpectUnauthenticated(verifier.Verify(Sign(*ec_, claims), kNow),
                        "unknown role");
  claims = GoodClaims();
  claims.subject = "";
  ExpectUnauthenticated(verifier.Verify(Sign(*ec_, claims), kNow), "no sub");
  claims = GoodClaims();
  claims.site = "";
  ExpectUnauthenticated(verifier.Verify(Sign(*ec_, claims), kNow), "no site");
}

TEST(TokenVerifierKeysTest, RefusesUnusableKeys) {
  EXPECT_FALSE(TokenVerifier::FromPublicKeyPems({}).ok());
  EXPECT_FALSE(TokenVerifier::FromPublicKeyPems({"not a pem"}).ok());
  // A private key where a public one is expected is refused, not half-used.
  EXPECT_FALSE(TokenVerifier::FromPublicKeyPems(
                   {::kip::testing::NewEcP256KeyPair().private_pem})
                   .ok());
  auto missing = TokenVerifier::FromPublicKeyFiles({"/nonexistent/key.pem"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/key.pem"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace kip
