// The storage interface of the session log. Backends (SQLite, PostgreSQL) keep
// rows and run transactions; the append algorithm, hash chain, Merkle log and
// idempotency rules live once, in EventLog, above this interface.
#ifndef KIP_SERVICES_SESSIONS_STORE_EVENT_STORE_H_
#define KIP_SERVICES_SESSIONS_STORE_EVENT_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "services/sessions/log/event_chain.h"
#include "services/sessions/trial/trial_chain.h"

namespace kip::sessions {

struct EventRecordRow {
  StoredEventRow row;
  std::string content_digest_hex;
};

struct SessionRow {
  kip::sessions::v1::InfusionSession session;  // event_count/head/end filled
};

struct SessionFilter {
  std::string study_id, patient_id, site_id, course_id;
  std::optional<absl::Time> started_after, started_before;
  // Keyset paging: sessions strictly after (start, session_id).
  std::optional<std::pair<absl::Time, std::string>> after;
  int limit = 100;
};

using trial::TrialLogRow;  // a study's trial log row (issue #15)

struct SignedCheckpoint {
  int64_t tree_size = 0;
  std::string root_hash_hex;
  absl::Time time;
  std::string signature;
  std::string algorithm;
};

// Writes inside one transaction. Every call may fail with the backend's error.
class WriteTransaction {
 public:
  virtual ~WriteTransaction() = default;
  virtual absl::StatusOr<std::optional<EventRecordRow>> FindEvent(
      const std::string& event_id) = 0;
  // Many at once (one round trip where the backend is remote); absent ids
  // are absent from the map.
  virtual absl::StatusOr<std::map<std::string, EventRecordRow>> FindEvents(
      const std::vector<std::string>& event_ids) {
    std::map<std::string, EventRecordRow> found;
    for (const std::string& id : event_ids) {
      absl::StatusOr<std::optional<EventRecordRow>> row = FindEvent(id);
      if (!row.ok()) return row.status();
      if (row->has_value()) found.emplace(id, **row);
    }
    return found;
  }
  virtual absl::StatusOr<std::optional<kip::sessions::v1::InfusionSession>>
  FindSession(const std::string& session_id) = 0;
  // The next dense leaf index of the global log; serializes log writers
  // across processes where the backend allows several.
  virtual absl::StatusOr<int64_t> NextGlobalIndex() = 0;
  virtual absl::Status InsertEvent(const kip::sessions::v1::Event& event,
                                   const std::string& content_digest_hex,
                                   const std::string& record) = 0;
  struct NewEvent {
    const kip::sessions::v1::Event* event;
    std::string content_digest_hex;
    std::string record;
  };
  virtual absl::Status InsertEvents(const std::vector<NewEvent>& events) {
    for (const NewEvent& e : events) {
      absl::Status status =
          InsertEvent(*e.event, e.content_digest_hex, e.record);
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }
  virtual absl::Status UpdateSessionHead(
      const std::string& session_id, int64_t event_count,
      const std::string& head_hash_hex, std::optional<absl::Time> end_time) = 0;
  // One level of savepoint, so one bad batch of a group commit rolls back
  // alone.
  virtual absl::Status Savepoint() = 0;
  virtual absl::Status ReleaseSavepoint() = 0;
  virtual absl::Status RollbackToSavepoint() = 0;
};

class EventStore {
 public:
  virtual ~EventStore() = default;
  virtual std::string backend_name() const = 0;

  // Runs `body` in one durable transaction, committed iff it returns OK.
  virtual absl::Status RunInTransaction(
      absl::FunctionRef<absl::Status(WriteTransaction&)> body) = 0;

  // Catalog rows. Insert* answer ALREADY_EXISTS when the key is taken.
  virtual absl::Status InsertStudy(const kip::sessions::v1::Study& study) = 0;
  // A randomised study with its sealed allocation seed, in one row.
  virtual absl::Status InsertSealedStudy(const kip::sessions::v1::Study& study,
                                         const std::string& sealed_seed) = 0;
  // The sealed seed; nullopt for a study without one.
  virtual absl::StatusOr<std::optional<std::string>> FindSealedSeed(
      const std::string& study_id) = 0;
  virtual absl::StatusOr<std::optional<kip::sessions::v1::Study>> FindStudy(
      const std::string& study_id) = 0;
  virtual absl::StatusOr<std::vector<kip::sessions::v1::Study>> ListStudies(
      const std::string& after_id, int limit) = 0;
  virtual absl::Status InsertPatient(
      const kip::sessions::v1::Patient& patient) = 0;
  virtual absl::StatusOr<std::optional<kip::sessions::v1::Patient>> FindPatient(
      const std::string& study_id, const std::string& patient_id) = 0;
  virtual absl::StatusOr<std::vector<kip::sessions::v1::Patient>> ListPatients(
      const std::string& study_id) = 0;
  virtual absl::Status InsertSession(
      const kip::sessions::v1::InfusionSession& session) = 0;
  virtual absl::StatusOr<std::optional<kip::sessions::v1::InfusionSession>>
  FindSession(const std::string& session_id) = 0;
  virtual absl::StatusOr<std::vector<kip::sessions::v1::InfusionSession>>
  ListSessions(const SessionFilter& filter) = 0;

  // A session's event rows by sequence, those after `after_sequence` (0: all).
  virtual absl::StatusOr<std::vector<StoredEventRow>> SessionEvents(
      const std::string& session_id, int64_t after_sequence) = 0;
  // Event rows by global index from `from_index`, optionally one study's.
  virtual absl::StatusOr<std::vector<StoredEventRow>> EventsFrom(
      int64_t from_index, const std::string& study_id, int limit) = 0;
  // (global_index, hash_hex) of the log from `from_index`, in index order.
  virtual absl::StatusOr<std::vector<std::pair<int64_t, std::string>>>
  LeafHashesFrom(int64_t from_index) = 0;

  // A study's trial log in sequence order, from after `after_sequence`.
  virtual absl::StatusOr<std::vector<TrialLogRow>> ListTrialLog(
      const std::string& study_id, int64_t after_sequence) = 0;
  // Appends `row` and, when given, inserts `patient`, in one transaction:
  // ALREADY_EXISTS (nothing written) when the sequence or the patient is
  // taken, so concurrent writers of one study serialise by retrying.
  virtual absl::Status AppendTrialLog(
      const std::string& study_id, const TrialLogRow& row,
      const kip::sessions::v1::Patient* patient) = 0;
  // Studies whose trial log names `patient_id`.
  virtual absl::StatusOr<std::vector<std::string>> StudiesInTrialLog(
      const std::string& patient_id) = 0;

  virtual absl::Status InsertCheckpoint(const SignedCheckpoint& checkpoint) = 0;
  virtual absl::StatusOr<std::optional<SignedCheckpoint>>
  LatestCheckpoint() = 0;

  virtual absl::Status AppendReadAudit(
      const kip::sessions::v1::ReadAuditEntry& entry) = 0;
  // Newest first, entries with id < before_id (0 = from the newest).
  virtual absl::StatusOr<
      std::vector<std::pair<int64_t, kip::sessions::v1::ReadAuditEntry>>>
  ListReadAudit(int64_t before_id, int limit) = 0;
};

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_STORE_EVENT_STORE_H_
