// SHA-256 and hex encoding, shared by the library hash (dosing) and the event
// log (sessions).
#ifndef KIP_BASE_DIGEST_H_
#define KIP_BASE_DIGEST_H_

#include <string>

#include "absl/strings/string_view.h"

namespace kip {

// 32 raw bytes.
std::string Sha256(absl::string_view data);
// HMAC-SHA-256 of `data` under `key`: 32 raw bytes.
std::string HmacSha256(absl::string_view key, absl::string_view data);
std::string HexEncode(absl::string_view bytes);

}  // namespace kip

#endif  // KIP_BASE_DIGEST_H_
