// Random version-4 UUIDs for ids that many writers make independently
// (devices' events, the server's signature events).
#ifndef KIP_BASE_UUID_H_
#define KIP_BASE_UUID_H_

#include <string>

namespace kip {

// 122 random bits from the OS (via OpenSSL), lower-case 8-4-4-4-12 hex.
std::string RandomUuid();

}  // namespace kip

#endif  // KIP_BASE_UUID_H_
