// The server's trial key (issue #15): seals each randomised study's seed
// (AES-256-GCM, so a database reader learns nothing of the allocation list)
// and keys the trial log's hash chain (HMAC-SHA-256, so a database writer
// cannot rewrite an allocation and recompute the chain). One 32-byte secret,
// two derived keys.
#ifndef KIP_SERVICES_SESSIONS_TRIAL_TRIAL_KEYS_H_
#define KIP_SERVICES_SESSIONS_TRIAL_TRIAL_KEYS_H_

#include <string>

#include "absl/status/statusor.h"

namespace kip::trial {

// `n` bytes from OpenSSL's CSPRNG.
absl::StatusOr<std::string> SecureRandomBytes(int n);

class TrialKeys {
 public:
  // INVALID_ARGUMENT unless `secret` is exactly 32 bytes.
  static absl::StatusOr<TrialKeys> FromSecret(const std::string& secret);

  // nonce (12) || ciphertext || tag (16), bound to `study_id`.
  absl::StatusOr<std::string> Seal(const std::string& study_id,
                                   const std::string& seed) const;
  // DATA_LOSS when the sealed bytes were changed, belong to another study or
  // were sealed under another key.
  absl::StatusOr<std::string> Unseal(const std::string& study_id,
                                     const std::string& sealed) const;

  const std::string& chain_key() const { return chain_key_; }

 private:
  TrialKeys(std::string seal_key, std::string chain_key)
      : seal_key_(std::move(seal_key)), chain_key_(std::move(chain_key)) {}
  std::string seal_key_;
  std::string chain_key_;
};

}  // namespace kip::trial

#endif  // KIP_SERVICES_SESSIONS_TRIAL_TRIAL_KEYS_H_
