#include "services/common/token_verifier.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cerrno>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/file_util.h"

namespace kip {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

// Size of the header segment worth decoding; real headers are < 100 bytes.
constexpr size_t kMaxTokenBytes = 8192;

}  // namespace

absl::StatusOr<std::string> JwtAlgorithmForPem(absl::string_view pem,
                                               bool is_private_key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (bio == nullptr) return absl::InternalError("BIO_new_mem_buf failed");
  EVP_PKEY* raw =
      is_private_key
          ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
          : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (raw == nullptr) {
    return absl::InvalidArgumentError(is_private_key ? "not a PEM private key"
                                                     : "not a PEM public key");
  }
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(raw, &EVP_PKEY_free);
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_EC: {
      char curve[64] = {0};
      size_t len = 0;
      if (EVP_PKEY_get_group_name(key.get(), curve, sizeof(curve), &len) != 1 ||
          std::string(curve) != "prime256v1") {
        return absl::InvalidArgumentError(
            "EC key must be on P-256 (prime256v1) for ES256");
      }
      return std::string("ES256");
    }
    case EVP_PKEY_RSA:
      if (EVP_PKEY_get_bits(key.get()) < 2048) {
        return absl::InvalidArgumentError(
            "RSA key must be >= 2048 bits for RS256");
      }
      return std::string("RS256");
    default:
      return absl::InvalidArgumentError("key must be EC P-256 or RSA");
  }
}

absl::StatusOr<TokenVerifier> TokenVerifier::FromPublicKeyPems(
    const std::vector<std::string>& pems) {
  if (pems.empty()) return absl::InvalidArgumentError("no public key given");
  std::vector<Key> keys;
  for (const std::string& pem : pems) {
    absl::StatusOr<std::string> algorithm = JwtAlgorithmForPem(pem, false);
    if (!algorithm.ok()) return algorithm.status();
    keys.push_back(Key{pem, *algorithm});
  }
  return TokenVerifier(std::move(keys));
}

absl::StatusOr<TokenVerifier> TokenVerifier::FromPublicKeyFiles(
    const std::vector<std::string>& paths) {
  std::vector<std::string> pems;
  for (const std::string& path : paths) {
    absl::StatusOr<std::string> pem = ReadFileToString(path);
    if (!pem.ok()) return pem.status();
    if (!JwtAlgorithmForPem(*pem, false).ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": not an EC P-256 or RSA >= 2048 PEM public key"));
    }
    pems.push_back(*std::move(pem));
  }
  return FromPublicKeyPems(pems);
}

absl::StatusOr<Principal> TokenVerifier::Verify(absl::string_view token,
                                                absl::Time now) const {
  if (token.empty()) return absl::UnauthenticatedError("missing bearer token");
  if (token.size() > kMaxTokenBytes) {
    return absl::UnauthenticatedError("bearer token too long");
  }
  const std::string token_str(token);
  std::optional<Verified> verified;
  {
    absl::MutexLock lock(&cache_->mu);
    auto it = cache_->entries.find(token_str);
    if (it != cache_->entries.end()) verified = it->second;
  }
  if (!verified.has_value()) {
    absl::StatusOr<Verified> checked = VerifySignatureAndClaims(token_str);
    if (!checked.ok()) return checked.status();
    verified = *checked;
    absl::MutexLock lock(&cache_->mu);
    if (cache_->entries.size() >= kMaxCachedTokens) cache_->entries.clear();
    cache_->entries.emplace(token_str, *checked);
  }
  if (verified->principal.expires + kClockSkew <= now) {
    return absl::UnauthenticatedError("token expired");
  }
  if (verified->not_before.has_value() &&
      *verified->not_before - kClockSkew > now) {
    return absl::UnauthenticatedError("token not yet valid (nbf)");
  }
  return verified->principal;
}

absl::StatusOr<TokenVerifier::Verified> TokenVerifier::VerifySignatureAndClaims(
    const std::string& token_str) const {
  JwtPtr jwt;
  const Key* matched = nullptr;
  for (const Key& key : keys_) {
    jwt_t* raw = nullptr;
    const int rc =
        jwt_decode(&raw, token_str.c_str(),
                   reinterpret_cast<const unsigned char*>(key.pem.data()),
                   static_cast<int>(key.pem.size()));
    if (rc != 0 || raw == nullptr) continue;
    JwtPtr decoded(raw);
    // libjwt would accept an HS256 token keyed with our public PEM as the HMAC
    // secret (algorithm confusion): only the key's own algorithm counts.
    if (jwt_alg_str(jwt_get_alg(decoded.get())) != key.algorithm) continue;
    jwt = std::move(decoded);
    matched = &key;
    break;
  }
  if (jwt == nullptr || matched == nullptr) {
    return absl::UnauthenticatedError(
        "bearer token rejected: bad signature, algorithm or format");
  }

  errno = 0;
  const long exp = jwt_get_grant_int(jwt.get(), "exp");
  if (errno != 0) return absl::UnauthenticatedError("token has no numeric exp");
  std::optional<absl::Time> not_before;
  errno = 0;
  const long nbf = jwt_get_grant_int(jwt.get(), "nbf");
  if (errno == 0) not_before = absl::FromUnixSeconds(nbf);

  Principal principal;
  const char* sub = jwt_get_grant(jwt.get(), "sub");
  const char* role = jwt_get_grant(jwt.get(), "role");
  const char* site = jwt_get_grant(jwt.get(), "site");
  if (sub == nullptr || *sub == '\0') {
    return absl::UnauthenticatedError("token has no sub");
  }
  if (role == nullptr) return absl::UnauthenticatedError("token has no role");
  if (site == nullptr || *site == '\0') {
    return absl::UnauthenticatedError("token has no site");
  }
  std::optional<Role> parsed_role = ParseRole(role);
  if (!parsed_role.has_value()) {
    return absl::UnauthenticatedError(
        absl::StrCat("token has unknown role '", role, "'"));
  }
  principal.subject = sub;
  principal.role = *parsed_role;
  principal.site = site;
  principal.expires = absl::FromUnixSeconds(exp);
  for (const char* claim : {"auth_time", "iat"}) {
    errno = 0;
    const long at = jwt_get_grant_int(jwt.get(), claim);
    if (errno == 0) {
      principal.authenticated_at = absl::FromUnixSeconds(at);
      break;
    }
  }
  return Verified{principal, not_before};
}

}  // namespace kip
