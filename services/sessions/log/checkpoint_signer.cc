#include "services/sessions/log/checkpoint_signer.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace kip::sessions {
namespace {

EVP_PKEY* AsKey(void* key) { return static_cast<EVP_PKEY*>(key); }

std::string PublicPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, size);
  BIO_free(bio);
  return pem;
}

absl::StatusOr<std::string> AlgorithmOf(EVP_PKEY* key) {
  switch (EVP_PKEY_base_id(key)) {
    case EVP_PKEY_EC:
      return std::string("ES256");
    case EVP_PKEY_RSA:
      return std::string("RS256");
    default:
      return absl::InvalidArgumentError(
          "checkpoint key must be an EC P-256 or an RSA private key");
  }
}

}  // namespace

std::string CheckpointMessage(int64_t tree_size, absl::string_view root_hex,
                              absl::Time time) {
  return absl::StrCat("kip-checkpoint\n", tree_size, "\n", root_hex, "\n",
                      absl::ToUnixMicros(time), "\n");
}

absl::StatusOr<std::unique_ptr<CheckpointSigner>>
CheckpointSigner::FromPrivateKeyPem(absl::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        "checkpoint key is not a PEM private key");
  }
  absl::StatusOr<std::string> algorithm = AlgorithmOf(key);
  if (!algorithm.ok()) {
    EVP_PKEY_free(key);
    return algorithm.status();
  }
  return std::unique_ptr<CheckpointSigner>(
      new CheckpointSigner(key, *algorithm, PublicPem(key)));
}

absl::StatusOr<std::unique_ptr<CheckpointSigner>> CheckpointSigner::Generate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return absl::InternalError("EC key generation failed");
  return std::unique_ptr<CheckpointSigner>(
      new CheckpointSigner(key, "ES256", PublicPem(key)));
}

std::string CheckpointSigner::private_key_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, AsKey(key_), nullptr, nullptr, 0, nullptr,
                           nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, size);
  BIO_free(bio);
  return pem;
}

CheckpointSigner::~CheckpointSigner() { EVP_PKEY_free(AsKey(key_)); }

absl::StatusOr<std::string> CheckpointSigner::Sign(
    absl::string_view message) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t size = 0;
  std::string signature;
  bool ok =
      EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, AsKey(key_)) ==
          1 &&
      EVP_DigestSign(ctx, nullptr, &size,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) == 1;
  if (ok) {
    signature.resize(size);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()),
                        &size,
                        reinterpret_cast<const unsigned char*>(message.data()),
                        message.size()) == 1;
    signature.resize(size);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return absl::InternalError("signing the checkpoint failed");
  return signature;
}

bool VerifyCheckpointSignature(absl::string_view public_key_pem,
                               absl::string_view message,
                               absl::string_view signature) {
  BIO* bio = BIO_new_mem_buf(public_key_pem.data(),
                             static_cast<int>(public_key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx,
                       reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(),
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace kip::sessions
