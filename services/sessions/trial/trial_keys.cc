#include "services/sessions/trial/trial_keys.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "base/digest.h"

namespace kip::trial {

namespace {

constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

using CipherContext =
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

unsigned char* Bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}
const unsigned char* Bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

absl::StatusOr<std::string> SecureRandomBytes(int n) {
  std::string out(n, '\0');
  if (RAND_bytes(Bytes(out), n) != 1) {
    return absl::InternalError("the system's random generator failed");
  }
  return out;
}

absl::StatusOr<TrialKeys> TrialKeys::FromSecret(const std::string& secret) {
  if (secret.size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("trial key: ", secret.size(), " bytes; 32 are required"));
  }
  return TrialKeys(HmacSha256(secret, "kip-trial-seal-v1"),
                   HmacSha256(secret, "kip-trial-chain-v1"));
}

absl::StatusOr<std::string> TrialKeys::Seal(const std::string& study_id,
                                            const std::string& seed) const {
  absl::StatusOr<std::string> nonce = SecureRandomBytes(kNonceBytes);
  if (!nonce.ok()) return nonce.status();
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out = *nonce + std::string(seed.size() + kTagBytes, '\0');
  unsigned char* cipher = Bytes(out) + kNonceBytes;
  int len = 0;
  const bool ok = ctx &&
                  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                                     Bytes(seal_key_), Bytes(*nonce)) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(study_id),
                                    static_cast<int>(study_id.size())) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), cipher, &len, Bytes(seed),
                                    static_cast<int>(seed.size())) == 1 &&
                  EVP_EncryptFinal_ex(ctx.get(), cipher + len, &len) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG,
                                      kTagBytes, cipher + seed.size()) == 1;
  if (!ok) return absl::InternalError("sealing the study's seed failed");
  return out;
}

absl::StatusOr<std::string> TrialKeys::Unseal(const std::string& study_id,
                                              const std::string& sealed) const {
  if (sealed.size() < kNonceBytes + kTagBytes) {
    return absl::DataLossError(
        absl::StrCat("study '", study_id, "': its sealed seed is truncated"));
  }
  const size_t seed_size = sealed.size() - kNonceBytes - kTagBytes;
  std::string tag = sealed.substr(kNonceBytes + seed_size);
  std::string seed(seed_size, '\0');
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  const bool ok = ctx &&
                  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                                     Bytes(seal_key_), Bytes(sealed)) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(study_id),
                                    static_cast<int>(study_id.size())) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), Bytes(seed), &len,
                                    Bytes(sealed) + kNonceBytes,
                                    static_cast<int>(seed_size)) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG,
                                      kTagBytes, Bytes(tag)) == 1 &&
                  EVP_DecryptFinal_ex(ctx.get(), Bytes(seed) + len, &len) == 1;
  if (!ok) {
    return absl::DataLossError(
        absl::StrCat("study '", study_id,
                     "': its sealed seed does not open under this server's "
                     "trial key (changed, "
                     "moved from another study, or sealed under another key)"));
  }
  return seed;
}

}  // namespace kip::trial
