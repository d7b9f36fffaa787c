#include "services/sessions/trial/trial_chain.h"

#include "absl/strings/str_cat.h"
#include "base/digest.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace kip::trial {

namespace {

std::string DeterministicBytes(const v1::TrialLogEntry& entry) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    entry.SerializeToCodedStream(&coded);
  }
  return bytes;
}

v1::VerifyAllocationsResponse Bad(int64_t checked, int64_t sequence,
                                  std::string problem) {
  v1::VerifyAllocationsResponse out;
  out.set_ok(false);
  out.set_entries_checked(checked);
  out.set_first_bad_sequence(sequence);
  out.set_problem(std::move(problem));
  return out;
}

// Every patient row agrees with exactly one allocation, and back.
v1::VerifyAllocationsResponse CheckPatients(
    const std::vector<v1::TrialLogEntry>& entries,
    const std::vector<v1::Patient>& patients) {
  std::map<std::string, const v1::TrialLogEntry*> allocated;
  for (const v1::TrialLogEntry& e : entries) {
    if (e.kind() != v1::TrialLogEntry::ALLOCATION) continue;
    if (!allocated.emplace(e.patient_id(), &e).second) {
      return Bad(entries.size(), e.sequence(),
                 absl::StrCat("patient '", e.patient_id(),
                              "' is allocated twice (a replayed allocation)"));
    }
  }
  for (const v1::Patient& p : patients) {
    auto it = allocated.find(p.patient_id());
    if (it == allocated.end()) {
      return Bad(entries.size(), 0,
                 absl::StrCat("patient '", p.patient_id(),
                              "' has no allocation in the trial log"));
    }
    const v1::TrialLogEntry& e = *it->second;
    if (p.arm_id() != e.arm_id() || p.kit_code() != e.kit_code()) {
      return Bad(entries.size(), e.sequence(),
                 absl::StrCat("patient '", p.patient_id(),
                              "': the stored arm or kit code differs from its "
                              "allocation"));
    }
    allocated.erase(it);
  }
  if (!allocated.empty()) {
    const v1::TrialLogEntry& e = *allocated.begin()->second;
    return Bad(entries.size(), e.sequence(),
               absl::StrCat("allocation of patient '", e.patient_id(),
                            "' has no patient row"));
  }
  v1::VerifyAllocationsResponse ok;
  ok.set_ok(true);
  ok.set_entries_checked(entries.size());
  return ok;
}

}  // namespace

std::string EntryHashHex(const std::string& chain_key,
                         const v1::TrialLogEntry& entry) {
  v1::TrialLogEntry unhashed = entry;
  unhashed.clear_hash_hex();
  return HexEncode(HmacSha256(chain_key, DeterministicBytes(unhashed)));
}

TrialLogRow Chain(const std::string& chain_key,
                  const v1::TrialLogEntry* previous, v1::TrialLogEntry& entry) {
  entry.set_sequence(previous == nullptr ? 1 : previous->sequence() + 1);
  entry.set_prev_hash_hex(previous == nullptr ? "" : previous->hash_hex());
  entry.set_hash_hex(EntryHashHex(chain_key, entry));
  return {entry.sequence(), entry.patient_id(), entry.hash_hex(),
          DeterministicBytes(entry)};
}

absl::StatusOr<std::vector<v1::TrialLogEntry>> ParseRows(
    const std::vector<TrialLogRow>& rows) {
  std::vector<v1::TrialLogEntry> entries;
  for (const TrialLogRow& row : rows) {
    if (!entries.emplace_back().ParseFromString(row.record)) {
      return absl::DataLossError(absl::StrCat("trial log entry ", row.sequence,
                                              " is not a readable record"));
    }
  }
  return entries;
}

v1::VerifyAllocationsResponse VerifyTrialLog(
    const std::string& chain_key, const std::string& study_id,
    const std::vector<TrialLogRow>& rows,
    const std::vector<v1::Patient>& patients) {
  std::vector<v1::TrialLogEntry> entries;
  std::string prev;
  for (size_t i = 0; i < rows.size(); ++i) {
    const TrialLogRow& row = rows[i];
    const int64_t expected = static_cast<int64_t>(i) + 1;
    v1::TrialLogEntry e;
    if (!e.ParseFromString(row.record))
      return Bad(i, row.sequence, "the entry is not a readable record");
    std::string problem;
    if (row.sequence != expected || e.sequence() != expected) {
      problem = absl::StrCat("sequence ", row.sequence, " where ", expected,
                             " was expected (an entry removed or inserted)");
    } else if (e.study_id() != study_id || e.patient_id() != row.patient_id) {
      problem = "the entry names another study or patient than its row";
    } else if (e.prev_hash_hex() != prev) {
      problem = "the link to the previous entry is broken";
    } else if (e.hash_hex() != row.hash_hex ||
               EntryHashHex(chain_key, e) != e.hash_hex()) {
      problem = "the entry's content does not match its hash";
    }
    if (!problem.empty()) return Bad(i, row.sequence, problem);
    prev = e.hash_hex();
    entries.push_back(std::move(e));
  }
  return CheckPatients(entries, patients);
}

TrialState StateOf(std::vector<v1::TrialLogEntry> entries) {
  TrialState state;
  for (v1::TrialLogEntry& e : entries) AddToState(std::move(e), state);
  return state;
}

void AddToState(v1::TrialLogEntry entry, TrialState& state) {
  switch (entry.kind()) {
    case v1::TrialLogEntry::ALLOCATION:
      state.allocations.push_back(entry);
      break;
    case v1::TrialLogEntry::EMERGENCY_UNBLINDING:
      state.emergency_unblinded.insert(entry.patient_id());
      break;
    case v1::TrialLogEntry::STUDY_UNBLINDING:
      state.study_unblinding = entry;
      break;
    default:
      break;
  }
  state.entries.push_back(std::move(entry));
}

}  // namespace kip::trial
