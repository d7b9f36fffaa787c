#include "base/uuid.h"

#include <openssl/rand.h>

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

}  // namespace kip
