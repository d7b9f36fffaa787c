#include "tests/integration/test_auth.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "services/common/testing/test_pki.h"

namespace kip::testing {

TestAuth::TestAuth(std::string site) : site_(std::move(site)) {
  const KeyPair keys = NewEcP256KeyPair();
  absl::StatusOr<TokenSigner> signer =
      TokenSigner::FromPrivateKeyPem(keys.private_pem);
  if (!signer.ok()) {  // a broken test PKI: nothing else can work
    std::fprintf(stderr, "TestAuth: %s\n", signer.status().ToString().c_str());
    std::abort();
  }
  signer_ = std::make_shared<const TokenSigner>(std::move(*signer));
  public_key_flag_ =
      "--auth_public_key=" + WriteTempFile("auth.pub", keys.public_pem);
}

TestAuth TestAuth::AtSite(std::string site) const {
  TestAuth other = *this;
  other.site_ = std::move(site);
  return other;
}

std::string TestAuth::Token(const std::string& role) const {
  return TokenIssuedAt(role, absl::Now());
}

std::string TestAuth::TokenIssuedAt(const std::string& role,
                                    absl::Time issued) const {
  TokenClaims claims{role + "-1", role, site_, absl::Now() + absl::Hours(1),
                     std::nullopt};
  claims.issued_at = issued;
  absl::StatusOr<std::string> token = signer_->Sign(claims);
  if (!token.ok()) {
    std::fprintf(stderr, "TestAuth: %s\n", token.status().ToString().c_str());
    std::abort();
  }
  return *token;
}

std::unique_ptr<grpc::ClientContext> TestAuth::Context(
    const std::string& role, absl::Duration deadline) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  context->AddMetadata("authorization", "Bearer " + Token(role));
  return context;
}

ContextForRole TestAuth::AsRole(absl::Duration deadline) const {
  return [this, deadline](const std::string& role) {
    return Context(role, deadline);
  };
}

}  // namespace kip::testing
