#include "services/sessions/log/event_log.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/sessions/log/event_chain.h"
#include "services/sessions/log/merkle.h"
#include "services/sessions/log/validation.h"
#include "services/sessions/store/row_codec.h"

namespace kip::sessions {
namespace {

// Batches one commit may carry: bounds the transaction a slow disk holds.
constexpr size_t kMaxBatchesPerCommit = 256;
constexpr int kMaxEventsPerBatch = 1000;
// Batches waiting for the committer: two commits' worth. Beyond it Append
// answers RESOURCE_EXHAUSTED (at most ~1000 * 512 events held in memory).
constexpr size_t kMaxQueuedBatches = 2 * kMaxBatchesPerCommit;

// Creates `record`, or accepts a replay: clients may retry every create. Two
// records are the same when equal after `strip` (server-filled fields).
template <typename Proto, typename Insert, typename Find, typename Strip>
absl::StatusOr<Proto> PutIdempotent(const Proto& record, absl::string_view what,
                                    const std::string& key, Insert insert,
                                    Find find, Strip strip) {
  absl::Status inserted = insert(record);
  if (inserted.ok()) return record;
  if (!absl::IsAlreadyExists(inserted)) return inserted;
  KIP_ASSIGN_OR_RETURN(existing, find());
  if (existing.has_value() &&
      CanonicalBytes(strip(*existing)) == CanonicalBytes(strip(record))) {
    return *existing;
  }
  return absl::AlreadyExistsError(
      absl::StrCat(what, " '", key, "' already exists with different content"));
}

}  // namespace

EventLog::EventLog(std::unique_ptr<EventStore> store,
                   std::unique_ptr<CheckpointSigner> signer)
    : store_(std::move(store)), signer_(std::move(signer)) {}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(
    std::unique_ptr<EventStore> store,
    std::unique_ptr<CheckpointSigner> signer) {
  std::unique_ptr<EventLog> log(
      new EventLog(std::move(store), std::move(signer)));
  {
    absl::MutexLock lock(&log->leaves_mu_);
    absl::Status synced = log->SyncLeaves();
    if (absl::IsDataLoss(synced)) {
      log->integrity_problem_ = std::string(synced.message());
    } else if (!synced.ok()) {
      return synced;
    }
    absl::Status checked = log->CheckAgainstLatestCheckpoint();
    if (absl::IsDataLoss(checked)) {
      log->integrity_problem_ = std::string(checked.message());
    } else if (!checked.ok()) {
      return checked;
    }
  }
  log->committer_ = std::thread([raw = log.get()] { raw->CommitLoop(); });
  return log;
}

EventLog::~EventLog() {
  {
    absl::MutexLock lock(&queue_mu_);
    stopping_ = true;
  }
  committer_.join();
}

absl::StatusOr<v1::Study> EventLog::CreateStudy(
    v1::Study study, const std::string& sealed_seed) {
  study.DiscardUnknownFields();
  study.clear_created_time();
  KIP_RETURN_IF_ERROR(ValidateStudy(study));
  *study.mutable_created_time() = ToTimestamp(absl::Now());
  return PutIdempotent(
      study, "study", study.id(),
      [&](const v1::Study& s) {
        return sealed_seed.empty() ? store_->InsertStudy(s)
                                   : store_->InsertSealedStudy(s, sealed_seed);
      },
      [&] { return store_->FindStudy(study.id()); },
      [](v1::Study s) {
        s.clear_created_time();
        return s;
      });
}

absl::StatusOr<v1::Study> EventLog::GetStudy(const std::string& study_id) {
  KIP_ASSIGN_OR_RETURN(study, store_->FindStudy(study_id));
  if (!study.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("study_id: no study '", study_id, "'"));
  }
  return *study;
}

absl::StatusOr<v1::Patient> EventLog::EnrollPatient(v1::Patient patient) {
  patient.DiscardUnknownFields();
  patient.clear_enrolled_time();
  KIP_RETURN_IF_ERROR(ValidatePatient(patient));
  KIP_ASSIGN_OR_RETURN(study, GetStudy(patient.study_id()));
  if (study.randomisation().method() == v1::PERMUTED_BLOCKS ||
      study.randomisation().method() == v1::MINIMISATION) {
    // Only the trial log may write a randomised study's patients: the row
    // and its allocation go together.
    return absl::InternalError(absl::StrCat(
        "study '", study.id(), "' is randomised; enrol through the trial log"));
  }
  KIP_RETURN_IF_ERROR(CheckEnrolment(study, patient));
  *patient.mutable_enrolled_time() = ToTimestamp(absl::Now());
  return PutIdempotent(
      patient, "patient", patient.patient_id(),
      [&](const v1::Patient& p) { return store_->InsertPatient(p); },
      [&] {
        return store_->FindPatient(patient.study_id(), patient.patient_id());
      },
      [](v1::Patient p) {
        p.clear_enrolled_time();
        return p;
      });
}

absl::Status EventLog::CheckEnrolment(const v1::Study& study,
                                      const v1::Patient& patient) {
  bool arm_known = false;
  for (const v1::Arm& arm : study.arms())
    arm_known |= arm.id() == patient.arm_id();
  if (!arm_known) {
    return absl::InvalidArgumentError(
        absl::StrCat("patient.arm_id: '", patient.arm_id(),
                     "' is not an arm of study '", study.id(), "'"));
  }
  if (!study.site_ids().empty() &&
      std::find(study.site_ids().begin(), study.site_ids().end(),
                patient.site_id()) == study.site_ids().end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("patient.site_id: '", patient.site_id(),
                     "' is not a site of study '", study.id(), "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Patient> EventLog::GetPatient(
    const std::string& study_id, const std::string& patient_id) {
  KIP_ASSIGN_OR_RETURN(patient, store_->FindPatient(study_id, patient_id));
  if (!patient.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "patient_id: no patient '", patient_id, "' in study '", study_id, "'"));
  }
  return *patient;
}

absl::StatusOr<v1::InfusionSession> EventLog::GetSessionHeader(
    const std::string& session_id) {
  KIP_ASSIGN_OR_RETURN(session, store_->FindSession(session_id));
  if (!session.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("session_id: no session '", session_id, "'"));
  }
  return *session;
}

absl::StatusOr<v1::InfusionSession> EventLog::StartSession(
    v1::InfusionSession session) {
  session.DiscardUnknownFields();
  session.clear_event_count();
  session.clear_head_hash_hex();
  const absl::Time now = absl::Now();
  KIP_RETURN_IF_ERROR(ValidateSession(session, now));
  KIP_ASSIGN_OR_RETURN(study, GetStudy(session.study_id()));
  if (!study.protocol_ids().empty() &&
      std::find(study.protocol_ids().begin(), study.protocol_ids().end(),
                session.protocol_id()) == study.protocol_ids().end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("session.protocol_id: '", session.protocol_id(),
                     "' is not a protocol of study '", study.id(), "'"));
  }
  KIP_ASSIGN_OR_RETURN(patient,
                       GetPatient(session.study_id(), session.patient_id()));
  if (!session.site_id().empty() && session.site_id() != patient.site_id()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "session.site_id: '", session.site_id(),
        "' differs from the patient's site '", patient.site_id(), "'"));
  }
  session.set_site_id(patient.site_id());
  // A retry without start_time took "now" twice; it still is a replay.
  const bool start_given = session.has_start_time();
  if (!start_given) *session.mutable_start_time() = ToTimestamp(now);
  return PutIdempotent(
      session, "session", session.session_id(),
      [&](const v1::InfusionSession& s) { return store_->InsertSession(s); },
      [&] { return store_->FindSession(session.session_id()); },
      [start_given](v1::InfusionSession s) {
        s.clear_event_count();
        s.clear_head_hash_hex();
        s.clear_end_time();
        if (!start_given) s.clear_start_time();
        return s;
      });
}

absl::StatusOr<std::vector<v1::EventAck>> EventLog::Append(
    std::vector<v1::Event> events, const std::string& recorded_by,
    absl::Time commit_by, bool server_written) {
  if (events.empty() || events.size() > kMaxEventsPerBatch) {
    return absl::InvalidArgumentError(
        absl::StrCat("events: a batch holds 1..", kMaxEventsPerBatch,
                     " events, got ", events.size()));
  }
  const absl::Time now = absl::Now();
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < events.size(); ++i) {
    v1::Event& event = events[i];
    event.DiscardUnknownFields();
    const std::string path = absl::StrCat("events[", i, "]");
    if (event.has_signature() && !server_written) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".signature: is written by SignRecords only"));
    }
    KIP_RETURN_IF_ERROR(ValidateEvent(event, now, path));
    NormalizeEvent(event);
    auto [it, inserted] = seen.emplace(event.event_id(), i);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".event_id: '", event.event_id(),
                       "' repeats events[", it->second, "]"));
    }
  }
  {
    absl::MutexLock lock(&leaves_mu_);
    KIP_RETURN_IF_ERROR(LogIntegrity());
  }
  PendingBatch batch;
  batch.events = std::move(events);
  batch.recorded_by = recorded_by;
  batch.commit_by = commit_by;
  {
    absl::MutexLock lock(&queue_mu_);
    if (stopping_) return absl::UnavailableError("the log is shutting down");
    // Back-pressure: a writer faster than the disk gets told to back off
    // instead of the queue (and the server's memory) growing without end.
    if (queue_.size() >= kMaxQueuedBatches) {
      return absl::ResourceExhaustedError(absl::StrCat(
          kMaxQueuedBatches,
          " batches are waiting to be committed; nothing of this one was "
          "written: retry after a backoff"));
    }
    queue_.push_back(&batch);
  }
  batch.done.WaitForNotification();
  return std::move(batch.result);
}

void EventLog::CommitLoop() {
  while (true) {
    std::vector<PendingBatch*> group;
    {
      absl::MutexLock lock(&queue_mu_);
      queue_mu_.Await(absl::Condition(
          +[](EventLog* log) ABSL_EXCLUSIVE_LOCKS_REQUIRED(log->queue_mu_) {
            return log->stopping_ || !log->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // stopping, nothing left
      while (!queue_.empty() && group.size() < kMaxBatchesPerCommit) {
        group.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    CommitGroup(std::move(group));
  }
}

void EventLog::CommitGroup(std::vector<PendingBatch*> group) {
  const absl::Time now = absl::Now();
  absl::Status committed =
      store_->RunInTransaction([&](WriteTransaction& txn) -> absl::Status {
        KIP_ASSIGN_OR_RETURN(next_index, txn.NextGlobalIndex());
        Heads heads;
        for (PendingBatch* batch : group) {
          if (now > batch->commit_by) {
            // Written now, it would be acknowledged to nobody: the client
            // has seen DEADLINE_EXCEEDED and will retry (or not) knowing
            // nothing of it was kept.
            batch->result = absl::DeadlineExceededError(
                "the caller's deadline passed while the batch waited to be "
                "committed; nothing of it was written");
            continue;
          }
          KIP_RETURN_IF_ERROR(txn.Savepoint());
          Heads batch_heads = heads;
          int64_t batch_next_index = next_index;
          batch->result =
              ApplyBatch(txn, *batch, now, batch_heads, batch_next_index);
          if (batch->result.ok()) {
            KIP_RETURN_IF_ERROR(txn.ReleaseSavepoint());
            heads = std::move(batch_heads);
            next_index = batch_next_index;
          } else {
            KIP_RETURN_IF_ERROR(txn.RollbackToSavepoint());
          }
        }
        for (const auto& [session_id, head] : heads) {
          if (!head.dirty) continue;
          KIP_RETURN_IF_ERROR(txn.UpdateSessionHead(
              session_id, head.event_count, head.hash_hex, head.end_time));
        }
        return absl::OkStatus();
      });
  if (!committed.ok()) {
    for (PendingBatch* batch : group) {
      if (batch->result.ok()) {
        batch->result = absl::UnavailableError(absl::StrCat(
            "the batch was not written (commit failed: ", committed.message(),
            "); retry it"));
      }
    }
  }
  {
    absl::MutexLock lock(&leaves_mu_);
    absl::Status synced = SyncLeaves();
    if (!synced.ok() && integrity_problem_.empty()) {
      integrity_problem_ = std::string(synced.message());
    }
  }
  for (PendingBatch* batch : group) batch->done.Notify();
}

absl::StatusOr<std::vector<v1::EventAck>> EventLog::ApplyBatch(
    WriteTransaction& txn, const PendingBatch& batch, absl::Time now,
    Heads& heads, int64_t& next_index) {
  // One lookup for every id the batch names (its events and the events its
  // corrections point at), one insert for its new events.
  std::vector<std::string> ids;
  for (const v1::Event& event : batch.events) {
    ids.push_back(event.event_id());
    if (event.has_correction())
      ids.push_back(event.correction().corrected_event_id());
  }
  KIP_ASSIGN_OR_RETURN(known, txn.FindEvents(ids));
  std::vector<v1::Event> stored_events;
  std::vector<WriteTransaction::NewEvent> new_events;
  stored_events.reserve(batch.events.size());
  std::vector<v1::EventAck> acks;
  for (size_t i = 0; i < batch.events.size(); ++i) {
    const v1::Event& event = batch.events[i];
    const std::string path = absl::StrCat("events[", i, "]");
    const std::string digest = ContentDigestHex(event);
    auto known_it = known.find(event.event_id());
    const std::optional<EventRecordRow> existing =
        known_it == known.end()
            ? std::nullopt
            : std::optional<EventRecordRow>(known_it->second);
    v1::EventAck ack;
    if (existing.has_value()) {
      if (existing->content_digest_hex != digest) {
        return absl::AlreadyExistsError(absl::StrCat(
            path, ".event_id: '", event.event_id(),
            "' was already recorded with different content; nothing in this "
            "batch was written"));
      }
      KIP_ASSIGN_OR_RETURN(
          stored, ParseRecord<v1::Event>(existing->row.record, "event"));
      ack.set_event_id(stored.event_id());
      ack.set_session_id(stored.session_id());
      ack.set_session_sequence(stored.session_sequence());
      ack.set_global_index(stored.global_index());
      ack.set_hash_hex(stored.hash_hex());
      *ack.mutable_server_time() = stored.server_time();
      ack.set_replayed(true);
      acks.push_back(std::move(ack));
      continue;
    }
    auto head_it = heads.find(event.session_id());
    if (head_it == heads.end()) {
      KIP_ASSIGN_OR_RETURN(session, txn.FindSession(event.session_id()));
      if (!session.has_value()) {
        return absl::NotFoundError(absl::StrCat(
            path, ".session_id: no session '", event.session_id(), "'"));
      }
      SessionHead head{session->event_count(), session->head_hash_hex(),
                       std::nullopt, false};
      head_it = heads.emplace(event.session_id(), head).first;
    }
    if (event.has_correction()) {
      KIP_ASSIGN_OR_RETURN(
          target, txn.FindEvent(event.correction().corrected_event_id()));
      bool same_session = false;
      if (target.has_value()) {
        KIP_ASSIGN_OR_RETURN(
            corrected, ParseRecord<v1::Event>(target->row.record, "event"));
        same_session = corrected.session_id() == event.session_id();
      }
      if (!same_session) {
        return absl::FailedPreconditionError(
            absl::StrCat(path, ".correction.corrected_event_id: no event '",
                         event.correction().corrected_event_id(),
                         "' in session '", event.session_id(), "'"));
      }
    }
    SessionHead& head = head_it->second;
    v1::Event stored = event;
    stored.set_recorded_by(batch.recorded_by);
    *stored.mutable_server_time() = ToTimestamp(now);
    stored.set_session_sequence(head.event_count + 1);
    stored.set_global_index(next_index);
    stored.set_prev_hash_hex(head.hash_hex.empty() ? kGenesisHashHex
                                                   : head.hash_hex);
    KIP_ASSIGN_OR_RETURN(hash, ChainHashHex(stored));
    stored.set_hash_hex(hash);
    KIP_RETURN_IF_ERROR(
        txn.InsertEvent(stored, digest, CanonicalBytes(stored)));
    ++next_index;
    head.event_count = stored.session_sequence();
    head.hash_hex = hash;
    head.dirty = true;
    if (event.has_infusion_stopped())
      head.end_time = ToAbslTime(event.device_time());
    ack.set_event_id(stored.event_id());
    ack.set_session_id(stored.session_id());
    ack.set_session_sequence(stored.session_sequence());
    ack.set_global_index(stored.global_index());
    ack.set_hash_hex(hash);
    *ack.mutable_server_time() = stored.server_time();
    acks.push_back(std::move(ack));
  }
  for (size_t i = 0; i < new_events.size(); ++i)
    new_events[i].event = &stored_events[i];
  KIP_RETURN_IF_ERROR(txn.InsertEvents(new_events));
  return acks;
}

}  // namespace kip::sessions
