// UUIDs: random version-4 ones for ids that many writers make independently
// (devices' events, the server's signature events), and name-based version-5
// ones for ids that must come out the same every time the same thing is
// said (the gateway's events of a resent pump message).
#ifndef KIP_BASE_UUID_H_
#define KIP_BASE_UUID_H_

#include <string>

namespace kip {

// 122 random bits from the OS (via OpenSSL), lower-case 8-4-4-4-12 hex.
std::string RandomUuid();

// RFC 4122 version 5 (SHA-1) of `name` in KIP's own namespace
// (6f1c5e2a-2d4b-5c8e-9a3f-4b6d8e0f1a2c, an arbitrary constant), lower-case.
std::string NameBasedUuid(const std::string& name);

}  // namespace kip

#endif  // KIP_BASE_UUID_H_
