#include "base/uuid.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdint>
#include <random>

#include "absl/strings/str_format.h"

namespace kip {

std::string RandomUuid() {
  // Ids from many devices must never collide, which a seeded PRNG cannot
  // promise.
  uint64_t a = 0, b = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&a), sizeof a) != 1 ||
      RAND_bytes(reinterpret_cast<unsigned char*>(&b), sizeof b) != 1) {
    std::random_device os_random;  // getrandom(2) on Linux
    a = (uint64_t{os_random()} << 32) | os_random();
    b = (uint64_t{os_random()} << 32) | os_random();
  }
  return absl::StrFormat("%08x-%04x-4%03x-%04x-%012x", a >> 32,
                         (a >> 16) & 0xffff, a & 0xfff,
                         0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffULL);
}

std::string NameBasedUuid(const std::string& name) {
  static constexpr unsigned char kNamespace[16] = {
      0x6f, 0x1c, 0x5e, 0x2a, 0x2d, 0x4b, 0x5c, 0x8e,
      0x9a, 0x3f, 0x4b, 0x6d, 0x8e, 0x0f, 0x1a, 0x2c};
  std::string input(reinterpret_cast<const char*>(kNamespace), 16);
  input += name;
  unsigned char hash[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
       hash);
  hash[6] = (hash[6] & 0x0f) | 0x50;  // version 5
  hash[8] = (hash[8] & 0x3f) | 0x80;  // RFC 4122 variant
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    absl::StrAppendFormat(&out, "%02x", hash[i]);
  }
  return out;
}

}  // namespace kip
