// A study's trial log as a keyed hash chain (issue #15): each allocation and
// unblinding entry links to the one before and is MACed under the server's
// chain key, so a changed, removed, reordered or replayed entry - or a
// patient row whose arm or kit no longer matches its allocation - is found.
// Also the state the log implies (who is unblinded). No gRPC, no storage.
#ifndef KIP_SERVICES_SESSIONS_TRIAL_TRIAL_CHAIN_H_
#define KIP_SERVICES_SESSIONS_TRIAL_TRIAL_CHAIN_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kip/sessions/v1/sessions.pb.h"

namespace kip::trial {

namespace v1 = kip::sessions::v1;

// One stored row of the log, as the store keeps it.
struct TrialLogRow {
  int64_t sequence = 0;
  std::string patient_id;  // empty for a study-wide entry
  std::string hash_hex;
  std::string record;  // a serialized v1::TrialLogEntry
};

// HMAC-SHA-256 (hex) of the entry's deterministic bytes, hash_hex cleared.
std::string EntryHashHex(const std::string& chain_key,
                         const v1::TrialLogEntry& entry);

// The entry that follows `previous` (nullptr: the first): sequence, link and
// hash set; and its row.
TrialLogRow Chain(const std::string& chain_key,
                  const v1::TrialLogEntry* previous, v1::TrialLogEntry& entry);

// The rows parsed, in order; DATA_LOSS naming the sequence of an unreadable
// row.
absl::StatusOr<std::vector<v1::TrialLogEntry>> ParseRows(
    const std::vector<TrialLogRow>& rows);

// Recomputes the chain and checks `patients` (the study's patient rows)
// against the allocations. Reports the first problem.
v1::VerifyAllocationsResponse VerifyTrialLog(
    const std::string& chain_key, const std::string& study_id,
    const std::vector<TrialLogRow>& rows,
    const std::vector<v1::Patient>& patients);

// What the log says now.
struct TrialState {
  std::vector<v1::TrialLogEntry> allocations;  // in order
  std::set<std::string> emergency_unblinded;   // patient ids
  std::optional<v1::TrialLogEntry> study_unblinding;
  std::vector<v1::TrialLogEntry> entries;
};
TrialState StateOf(std::vector<v1::TrialLogEntry> entries);
// The state with one more entry (the next in sequence).
void AddToState(v1::TrialLogEntry entry, TrialState& state);

}  // namespace kip::trial

#endif  // KIP_SERVICES_SESSIONS_TRIAL_TRIAL_CHAIN_H_
