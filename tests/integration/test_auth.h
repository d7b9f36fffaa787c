// A signing key for tests that start real servers: the flag that makes a
// server trust it, tokens for any role of one site, and client contexts
// carrying them.
//
//   TestAuth auth;
//   ServerProcess::Start("services/sessions/sessions_server",
//                        {auth.PublicKeyFlag(), ...}, "sessions");
//   stub->GetCheckpoint(auth.Context("clinician").get(), {}, &checkpoint);
#ifndef KIP_TESTS_INTEGRATION_TEST_AUTH_H_
#define KIP_TESTS_INTEGRATION_TEST_AUTH_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "services/common/token_signer.h"
#include "tests/integration/running_session.h"

namespace kip::testing {

class TestAuth {
 public:
  // A fresh EC P-256 key pair; tokens are for `site`.
  explicit TestAuth(std::string site = "site-a");

  // The same key's tokens for another site.
  TestAuth AtSite(std::string site) const;

  // "--auth_public_key=<a temporary file holding the public key>".
  std::string PublicKeyFlag() const { return public_key_flag_; }
  // A token for `role` (subject "<role>-1") valid for an hour.
  std::string Token(const std::string& role) const;
  // The same, issued (`iat`) at `issued`: an older sign-in.
  std::string TokenIssuedAt(const std::string& role, absl::Time issued) const;
  // A context with that token and a deadline `deadline` from now.
  std::unique_ptr<grpc::ClientContext> Context(
      const std::string& role,
      absl::Duration deadline = absl::Seconds(30)) const;
  // Context() as the running_session helpers take it.
  ContextForRole AsRole(absl::Duration deadline = absl::Seconds(30)) const;

 private:
  std::shared_ptr<const TokenSigner> signer_;
  std::string public_key_flag_;
  std::string site_;
};

}  // namespace kip::testing

#endif  // KIP_TESTS_INTEGRATION_TEST_AUTH_H_
