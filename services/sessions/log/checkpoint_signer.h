// Signs Merkle log checkpoints with the server's private key (ES256 for EC
// P-256 keys, RS256 for RSA), so that an auditor holding an old checkpoint can
// prove later what the log said then.
#ifndef KIP_SERVICES_SESSIONS_LOG_CHECKPOINT_SIGNER_H_
#define KIP_SERVICES_SESSIONS_LOG_CHECKPOINT_SIGNER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kip::sessions {

// The signed text: "kip-checkpoint\n<size>\n<root hex>\n<unix micros>\n".
std::string CheckpointMessage(int64_t tree_size, absl::string_view root_hex,
                              absl::Time time);

class CheckpointSigner {
 public:
  static absl::StatusOr<std::unique_ptr<CheckpointSigner>> FromPrivateKeyPem(
      absl::string_view pem);
  // A fresh EC P-256 key, for tests and laptops without a configured key.
  static absl::StatusOr<std::unique_ptr<CheckpointSigner>> Generate();
  ~CheckpointSigner();

  absl::StatusOr<std::string> Sign(absl::string_view message) const;
  const std::string& algorithm() const { return algorithm_; }
  const std::string& public_key_pem() const { return public_key_pem_; }
  std::string private_key_pem() const;

 private:
  CheckpointSigner(void* key, std::string algorithm, std::string public_pem)
      : key_(key),
        algorithm_(std::move(algorithm)),
        public_key_pem_(std::move(public_pem)) {}
  void* key_;  // EVP_PKEY*
  std::string algorithm_;
  std::string public_key_pem_;
};

// Verifies `signature` over `message` with a PEM public key.
bool VerifyCheckpointSignature(absl::string_view public_key_pem,
                               absl::string_view message,
                               absl::string_view signature);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_LOG_CHECKPOINT_SIGNER_H_
