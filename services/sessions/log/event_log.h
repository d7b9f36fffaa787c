// The session log's core: idempotent catalog writes, validated event batches
// appended with group commit (concurrent batches share one durable
// transaction, each under its own savepoint), the per-session hash chains, the
// global RFC 6962 Merkle log with signed checkpoints, and the queries. It sits
// on the EventStore interface; the gRPC adapter sits on it.
#ifndef KIP_SERVICES_SESSIONS_LOG_EVENT_LOG_H_
#define KIP_SERVICES_SESSIONS_LOG_EVENT_LOG_H_

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "services/sessions/log/checkpoint_signer.h"
#include "services/sessions/store/event_store.h"

namespace kip::sessions {

class EventLog {
 public:
  // Loads the Merkle leaves and checks them against the latest signed
  // checkpoint; a log that fails the check serves reads and proofs of what is
  // wrong, and refuses appends (DATA_LOSS).
  static absl::StatusOr<std::unique_ptr<EventLog>> Open(
      std::unique_ptr<EventStore> store,
      std::unique_ptr<CheckpointSigner> signer);
  ~EventLog();

  // `sealed_seed` (a randomised study's, issue #15) is stored with it.
  absl::StatusOr<v1::Study> CreateStudy(v1::Study study,
                                        const std::string& sealed_seed = "");
  absl::StatusOr<v1::Study> GetStudy(const std::string& study_id);
  absl::StatusOr<v1::ListStudiesResponse> ListStudies(
      const v1::ListStudiesRequest& request);
  absl::StatusOr<v1::Patient> EnrollPatient(v1::Patient patient);
  // INVALID_ARGUMENT unless the patient's arm and site are the study's.
  static absl::Status CheckEnrolment(const v1::Study& study,
                                     const v1::Patient& patient);

  absl::StatusOr<v1::Patient> GetPatient(const std::string& study_id,
                                         const std::string& patient_id);
  absl::StatusOr<std::vector<v1::Patient>> ListPatients(
      const std::string& study_id);
  absl::StatusOr<v1::InfusionSession> StartSession(v1::InfusionSession session);
  // The session with its events after `after_sequence` (0: all of them).
  absl::StatusOr<v1::GetSessionResponse> GetSession(
      const std::string& session_id, int64_t after_sequence = 0);
  // The session alone, without its events.
  absl::StatusOr<v1::InfusionSession> GetSessionHeader(
      const std::string& session_id);
  absl::StatusOr<v1::ListSessionsResponse> ListSessions(
      const v1::ListSessionsRequest& request);

  // Validates, then appends in one transaction with concurrent batches. A
  // batch still queued when `commit_by` passes (its caller has given up) is
  // not written and answers DEADLINE_EXCEEDED.
  // `server_written`: events the server itself writes (signatures), which
  // clients may not send.
  absl::StatusOr<std::vector<v1::EventAck>> Append(
      std::vector<v1::Event> events, const std::string& recorded_by,
      absl::Time commit_by = absl::InfiniteFuture(),
      bool server_written = false);

  // Events by global index from `from_index`, at most `limit`.
  absl::StatusOr<std::vector<v1::Event>> EventsFrom(int64_t from_index,
                                                    const std::string& study_id,
                                                    int limit);
  int64_t TreeSize();
  // Blocks until the log holds more than `size` events or `deadline` passes.
  bool WaitForTreeSizeAbove(int64_t size, absl::Time deadline);

  absl::StatusOr<v1::GetCumulativeDoseResponse> CumulativeDose(
      const v1::GetCumulativeDoseRequest& request);
  absl::StatusOr<v1::VerifySessionResponse> VerifySession(
      const std::string& session_id);

  absl::StatusOr<v1::GetCheckpointResponse> Checkpoint();
  absl::StatusOr<v1::GetInclusionProofResponse> InclusionProof(
      int64_t leaf_index, int64_t tree_size);
  absl::StatusOr<v1::GetConsistencyProofResponse> ConsistencyProof(
      int64_t first_size, int64_t second_size);

  absl::Status RecordRead(const v1::ReadAuditEntry& entry);
  absl::StatusOr<v1::ListReadAuditResponse> ListReadAudit(
      const v1::ListReadAuditRequest& request);

  EventStore& store() { return *store_; }

 private:
  struct PendingBatch {
    std::vector<v1::Event> events;
    std::string recorded_by;
    absl::Time commit_by = absl::InfiniteFuture();
    absl::StatusOr<std::vector<v1::EventAck>> result;
    absl::Notification done;
  };
  struct SessionHead {
    int64_t event_count = 0;
    std::string hash_hex;
    std::optional<absl::Time> end_time;
    bool dirty = false;
  };
  using Heads = std::map<std::string, SessionHead>;

  EventLog(std::unique_ptr<EventStore> store,
           std::unique_ptr<CheckpointSigner> signer);
  void CommitLoop();
  void CommitGroup(std::vector<PendingBatch*> group);
  absl::StatusOr<std::vector<v1::EventAck>> ApplyBatch(
      WriteTransaction& txn, const PendingBatch& batch, absl::Time now,
      Heads& heads, int64_t& next_index);
  // Loads leaves appended since the cache was filled (by us or a replica).
  absl::Status SyncLeaves() ABSL_EXCLUSIVE_LOCKS_REQUIRED(leaves_mu_);
  absl::Status CheckAgainstLatestCheckpoint()
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(leaves_mu_);
  absl::Status LogIntegrity() ABSL_EXCLUSIVE_LOCKS_REQUIRED(leaves_mu_);

  std::unique_ptr<EventStore> store_;
  std::unique_ptr<CheckpointSigner> signer_;

  absl::Mutex queue_mu_;
  std::deque<PendingBatch*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool stopping_ ABSL_GUARDED_BY(queue_mu_) = false;
  std::thread committer_;

  absl::Mutex leaves_mu_;
  std::vector<std::string> leaves_ ABSL_GUARDED_BY(leaves_mu_);  // raw
  std::string integrity_problem_ ABSL_GUARDED_BY(leaves_mu_);
};

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_LOG_EVENT_LOG_H_
