// The tamper-evident form of an event: its canonical bytes, the digest of what
// the client sent (the idempotency comparison) and the per-session SHA-256
// hash chain over (sequence, previous hash, content).
#ifndef KIP_SERVICES_SESSIONS_LOG_EVENT_CHAIN_H_
#define KIP_SERVICES_SESSIONS_LOG_EVENT_CHAIN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kip/sessions/v1/events.pb.h"

namespace kip::sessions {

// Hex of the "previous hash" of a session's first event: 32 zero bytes.
extern const char kGenesisHashHex[];

// Deterministic protobuf serialization. Canonical for our own writer: fields
// in number order, no unknown fields (they are discarded before hashing).
std::string CanonicalBytes(const google::protobuf::Message& message);

// What the client said: the event with server-assigned fields cleared.
kip::sessions::v1::Event ClientContent(const kip::sessions::v1::Event& event);

// Hex SHA-256 of CanonicalBytes(ClientContent(event)); equal digests mean a
// replay, different digests under the same event_id a conflict.
std::string ContentDigestHex(const kip::sessions::v1::Event& event);

// hash = SHA-256("kip.event.v1\0" || be64(sequence) || prev_hash || record),
// record = CanonicalBytes(event with hash_hex cleared). `event` must carry
// session_sequence and prev_hash_hex.
absl::StatusOr<std::string> ChainHashHex(const kip::sessions::v1::Event& event);

// One stored event row as a backend hands it back, columns and record blob.
struct StoredEventRow {
  int64_t session_sequence = 0;  // column
  int64_t global_index = 0;      // column
  std::string event_id;          // column
  std::string hash_hex;          // column
  std::string record;            // CanonicalBytes of the stored Event
};

struct ChainVerification {
  bool ok = true;
  int64_t events_checked = 0;
  int64_t first_bad_sequence = 0;  // 0 when ok
  std::string problem;
};

// Recomputes every link of a session's chain from its rows (in the order the
// store returns them, by sequence), and checks the session head the store
// keeps (count, last hash) against it.
ChainVerification VerifyChain(const std::vector<StoredEventRow>& rows,
                              int64_t head_event_count,
                              const std::string& head_hash_hex);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_LOG_EVENT_CHAIN_H_
