// EventLog's read side: listings, cumulative dose, chain verification, the
// Merkle log's checkpoints and proofs, and the read audit.
#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "clinical/dose_accounting.h"
#include "services/sessions/log/event_chain.h"
#include "services/sessions/log/event_log.h"
#include "services/sessions/log/merkle.h"
#include "services/sessions/log/signatures.h"
#include "services/sessions/store/row_codec.h"

namespace kip::sessions {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0 || requested > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "page_size: ", requested, " is outside 1..", kMaxPageSize));
  }
  return requested == 0 ? kDefaultPageSize : requested;
}

std::string EncodeToken(absl::string_view text) {
  return absl::WebSafeBase64Escape(text);
}

absl::StatusOr<std::string> DecodeToken(absl::string_view token) {
  std::string text;
  if (!absl::WebSafeBase64Unescape(token, &text)) {
    return absl::InvalidArgumentError(
        "page_token: is not a token this server issued");
  }
  return text;
}

absl::StatusOr<std::vector<v1::Event>> ParseEvents(
    const std::vector<StoredEventRow>& rows) {
  std::vector<v1::Event> events;
  events.reserve(rows.size());
  for (const StoredEventRow& row : rows) {
    KIP_ASSIGN_OR_RETURN(event, ParseRecord<v1::Event>(row.record, "event"));
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace

absl::StatusOr<v1::ListStudiesResponse> EventLog::ListStudies(
    const v1::ListStudiesRequest& request) {
  KIP_ASSIGN_OR_RETURN(page_size, PageSize(request.page_size()));
  KIP_ASSIGN_OR_RETURN(after, DecodeToken(request.page_token()));
  KIP_ASSIGN_OR_RETURN(studies, store_->ListStudies(after, page_size + 1));
  v1::ListStudiesResponse response;
  for (int i = 0; i < std::min<int>(page_size, studies.size()); ++i) {
    *response.add_studies() = studies[i];
  }
  if (static_cast<int>(studies.size()) > page_size) {
    response.set_next_page_token(EncodeToken(studies[page_size - 1].id()));
  }
  return response;
}

absl::StatusOr<v1::GetSessionResponse> EventLog::GetSession(
    const std::string& session_id, int64_t after_sequence) {
  if (after_sequence < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "after_sequence: ", after_sequence, " is negative (0: every event)"));
  }
  KIP_ASSIGN_OR_RETURN(session, store_->FindSession(session_id));
  if (!session.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("session_id: no session '", session_id, "'"));
  }
  KIP_ASSIGN_OR_RETURN(rows, store_->SessionEvents(session_id, after_sequence));
  KIP_ASSIGN_OR_RETURN(events, ParseEvents(rows));
  v1::GetSessionResponse response;
  *response.mutable_session() = *session;
  for (v1::Event& event : events) *response.add_events() = std::move(event);
  return response;
}

absl::StatusOr<v1::ListSessionsResponse> EventLog::ListSessions(
    const v1::ListSessionsRequest& request) {
  KIP_ASSIGN_OR_RETURN(page_size, PageSize(request.page_size()));
  SessionFilter filter;
  filter.study_id = request.study_id();
  filter.patient_id = request.patient_id();
  filter.site_id = request.site_id();
  if (request.has_started_after()) {
    filter.started_after = ToAbslTime(request.started_after());
  }
  if (request.has_started_before()) {
    filter.started_before = ToAbslTime(request.started_before());
  }
  if (!request.page_token().empty()) {
    KIP_ASSIGN_OR_RETURN(token, DecodeToken(request.page_token()));
    std::pair<std::string, std::string> parts =
        absl::StrSplit(token, absl::MaxSplits('/', 1));
    int64_t micros = 0;
    if (!absl::SimpleAtoi(parts.first, &micros)) {
      return absl::InvalidArgumentError(
          "page_token: is not a token this server issued");
    }
    filter.after = std::make_pair(absl::FromUnixMicros(micros), parts.second);
  }
  filter.limit = page_size + 1;
  KIP_ASSIGN_OR_RETURN(sessions, store_->ListSessions(filter));
  v1::ListSessionsResponse response;
  for (int i = 0; i < std::min<int>(page_size, sessions.size()); ++i) {
    *response.add_sessions() = sessions[i];
  }
  if (static_cast<int>(sessions.size()) > page_size) {
    const v1::InfusionSession& last = sessions[page_size - 1];
    response.set_next_page_token(EncodeToken(absl::StrCat(
        TimestampMicros(last.start_time()), "/", last.session_id())));
  }
  return response;
}

absl::StatusOr<std::vector<v1::Event>> EventLog::EventsFrom(
    int64_t from_index, const std::string& study_id, int limit) {
  KIP_ASSIGN_OR_RETURN(rows, store_->EventsFrom(from_index, study_id, limit));
  return ParseEvents(rows);
}

int64_t EventLog::TreeSize() {
  absl::MutexLock lock(&leaves_mu_);
  return static_cast<int64_t>(leaves_.size());
}

absl::StatusOr<std::vector<v1::Patient>> EventLog::ListPatients(
    const std::string& study_id) {
  KIP_RETURN_IF_ERROR(GetStudy(study_id).status());
  return store_->ListPatients(study_id);
}

bool EventLog::WaitForTreeSizeAbove(int64_t size, absl::Time deadline) {
  absl::MutexLock lock(&leaves_mu_);
  struct Args {
    EventLog* log;
    int64_t size;
  } args{this, size};
  return leaves_mu_.AwaitWithDeadline(
      absl::Condition(
          +[](Args* a) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return static_cast<int64_t>(a->log->leaves_.size()) > a->size;
          },
          &args),
      deadline);
}

absl::StatusOr<v1::GetCumulativeDoseResponse> EventLog::CumulativeDose(
    const v1::GetCumulativeDoseRequest& request) {
  std::string study_id = request.study_id();
  std::string patient_id = request.patient_id();
  std::string course_id = request.course_id();
  if (!request.session_id().empty()) {
    KIP_ASSIGN_OR_RETURN(session, store_->FindSession(request.session_id()));
    if (!session.has_value()) {
      return absl::NotFoundError(
          absl::StrCat("session_id: no session '", request.session_id(), "'"));
    }
    study_id = session->study_id();
    patient_id = session->patient_id();
    if (course_id.empty()) course_id = session->course_id();
  }
  if (study_id.empty() || patient_id.empty()) {
    return absl::InvalidArgumentError(
        "session_id, or study_id and patient_id, are required");
  }
  KIP_ASSIGN_OR_RETURN(patient, GetPatient(study_id, patient_id));
  const absl::Time as_of =
      request.has_as_of() ? ToAbslTime(request.as_of()) : absl::Now();
  const absl::Time day_start = absl::FromCivil(
      absl::ToCivilDay(as_of, absl::UTCTimeZone()), absl::UTCTimeZone());

  v1::GetCumulativeDoseResponse response;
  *response.mutable_as_of() = ToTimestamp(as_of);
  SessionFilter filter;
  filter.study_id = study_id;
  filter.patient_id = patient_id;
  filter.limit = kMaxPageSize;
  while (true) {
    KIP_ASSIGN_OR_RETURN(sessions, store_->ListSessions(filter));
    for (const v1::InfusionSession& session : sessions) {
      KIP_ASSIGN_OR_RETURN(rows, store_->SessionEvents(session.session_id(), 0));
      KIP_ASSIGN_OR_RETURN(events, ParseEvents(rows));
      const double weight_kg = patient.baseline_weight_kg();
      const absl::Time past = absl::InfinitePast();
      if (session.session_id() == request.session_id()) {
        response.set_session_mg(
            clinical::DeliveredMg(events, weight_kg, past, as_of));
      }
      if (course_id.empty() || session.course_id() == course_id) {
        response.set_course_mg(
            response.course_mg() +
            clinical::DeliveredMg(events, weight_kg, past, as_of));
      }
      response.set_last_24h_mg(response.last_24h_mg() +
                               clinical::DeliveredMg(events, weight_kg,
                                                     as_of - absl::Hours(24),
                                                     as_of));
      response.set_calendar_day_mg(
          response.calendar_day_mg() +
          clinical::DeliveredMg(events, weight_kg, day_start, as_of));
    }
    if (static_cast<int>(sessions.size()) < filter.limit) break;
    const v1::InfusionSession& last = sessions.back();
    filter.after =
        std::make_pair(ToAbslTime(last.start_time()), last.session_id());
  }
  return response;
}

absl::StatusOr<v1::VerifySessionResponse> EventLog::VerifySession(
    const std::string& session_id) {
  KIP_ASSIGN_OR_RETURN(session, store_->FindSession(session_id));
  if (!session.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("session_id: no session '", session_id, "'"));
  }
  KIP_ASSIGN_OR_RETURN(rows, store_->SessionEvents(session_id, 0));
  ChainVerification chain =
      VerifyChain(rows, session->event_count(), session->head_hash_hex());
  v1::VerifySessionResponse response;
  for (v1::SignatureCheck& check : CheckSignatures(rows))
    *response.add_signatures() = std::move(check);
  response.set_ok(chain.ok);
  response.set_events_checked(chain.events_checked);
  response.set_first_bad_sequence(chain.first_bad_sequence);
  response.set_problem(chain.problem);
  if (!chain.ok) return response;
  // Each event must also be the leaf the global log holds at its index.
  absl::MutexLock lock(&leaves_mu_);
  for (const StoredEventRow& row : rows) {
    absl::StatusOr<std::string> raw = HexDecode(row.hash_hex);
    const bool in_log =
        raw.ok() && row.global_index >= 0 &&
        row.global_index < static_cast<int64_t>(leaves_.size()) &&
        leaves_[row.global_index] == MerkleLeafHash(*raw);
    if (!in_log) {
      response.set_ok(false);
      response.set_first_bad_sequence(row.session_sequence);
      response.set_problem(absl::StrCat("event is not leaf ", row.global_index,
                                        " of the global Merkle log"));
      return response;
    }
  }
  if (!integrity_problem_.empty()) {
    response.set_ok(false);
    response.set_problem(absl::StrCat("global log: ", integrity_problem_));
  }
  return response;
}

absl::Status EventLog::SyncLeaves() {
  KIP_ASSIGN_OR_RETURN(rows, store_->LeafHashesFrom(leaves_.size()));
  for (const auto& [index, hash_hex] : rows) {
    if (index != static_cast<int64_t>(leaves_.size())) {
      return absl::DataLossError(absl::StrCat(
          "global log has no event at index ", leaves_.size(),
          " (next stored index is ", index, "): rows were removed"));
    }
    absl::StatusOr<std::string> raw = HexDecode(hash_hex);
    if (!raw.ok() || raw->size() != 32) {
      return absl::DataLossError(
          absl::StrCat("event at index ", index, " has a malformed hash"));
    }
    leaves_.push_back(MerkleLeafHash(*raw));
  }
  return absl::OkStatus();
}

absl::Status EventLog::CheckAgainstLatestCheckpoint() {
  KIP_ASSIGN_OR_RETURN(checkpoint, store_->LatestCheckpoint());
  if (!checkpoint.has_value()) return absl::OkStatus();
  if (checkpoint->tree_size > static_cast<int64_t>(leaves_.size())) {
    return absl::DataLossError(absl::StrCat(
        "the log holds ", leaves_.size(), " events, but checkpoint ",
        checkpoint->tree_size, " was signed: events were removed"));
  }
  const std::string root = HexEncode(MerkleRoot(
      absl::MakeConstSpan(leaves_).subspan(0, checkpoint->tree_size)));
  if (root != checkpoint->root_hash_hex) {
    return absl::DataLossError(absl::StrCat(
        "the first ", checkpoint->tree_size,
        " events no longer hash to the signed checkpoint root: stored rows "
        "were changed"));
  }
  return absl::OkStatus();
}

absl::Status EventLog::LogIntegrity() {
  if (integrity_problem_.empty()) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(
      "the event log failed its integrity check: ", integrity_problem_));
}

absl::StatusOr<v1::GetCheckpointResponse> EventLog::Checkpoint() {
  SignedCheckpoint checkpoint;
  {
    absl::MutexLock lock(&leaves_mu_);
    KIP_RETURN_IF_ERROR(SyncLeaves());
    KIP_RETURN_IF_ERROR(LogIntegrity());
    checkpoint.tree_size = static_cast<int64_t>(leaves_.size());
    checkpoint.root_hash_hex = HexEncode(MerkleRoot(leaves_));
  }
  checkpoint.time = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
  KIP_ASSIGN_OR_RETURN(
      signature,
      signer_->Sign(CheckpointMessage(
          checkpoint.tree_size, checkpoint.root_hash_hex, checkpoint.time)));
  checkpoint.signature = signature;
  checkpoint.algorithm = signer_->algorithm();
  KIP_RETURN_IF_ERROR(store_->InsertCheckpoint(checkpoint));
  v1::GetCheckpointResponse response;
  response.set_tree_size(checkpoint.tree_size);
  response.set_root_hash_hex(checkpoint.root_hash_hex);
  *response.mutable_time() = ToTimestamp(checkpoint.time);
  response.set_signature(signature);
  response.set_signature_algorithm(checkpoint.algorithm);
  response.set_public_key_pem(signer_->public_key_pem());
  return response;
}

absl::StatusOr<v1::GetInclusionProofResponse> EventLog::InclusionProof(
    int64_t leaf_index, int64_t tree_size) {
  absl::MutexLock lock(&leaves_mu_);
  KIP_RETURN_IF_ERROR(SyncLeaves());
  KIP_RETURN_IF_ERROR(LogIntegrity());
  if (tree_size < 1 || tree_size > static_cast<int64_t>(leaves_.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tree_size: ", tree_size, " is outside 1..", leaves_.size()));
  }
  KIP_ASSIGN_OR_RETURN(
      path,
      MerkleInclusionProof(absl::MakeConstSpan(leaves_).subspan(0, tree_size),
                           leaf_index));
  v1::GetInclusionProofResponse response;
  response.set_leaf_hash_hex(HexEncode(leaves_[leaf_index]));
  for (const std::string& hash : path)
    response.add_audit_path_hex(HexEncode(hash));
  return response;
}

absl::StatusOr<v1::GetConsistencyProofResponse> EventLog::ConsistencyProof(
    int64_t first_size, int64_t second_size) {
  absl::MutexLock lock(&leaves_mu_);
  KIP_RETURN_IF_ERROR(SyncLeaves());
  if (second_size < 0 || second_size > static_cast<int64_t>(leaves_.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "second_tree_size: ", second_size, " is outside 0..", leaves_.size()));
  }
  if (first_size < 0 || first_size > second_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "first_tree_size: ", first_size, " is outside 0..", second_size));
  }
  // Served even when the integrity check failed: the proof is how an auditor
  // holding an old checkpoint sees that history was rewritten.
  KIP_ASSIGN_OR_RETURN(
      proof,
      MerkleConsistencyProof(
          absl::MakeConstSpan(leaves_).subspan(0, second_size), first_size));
  v1::GetConsistencyProofResponse response;
  for (const std::string& hash : proof) response.add_proof_hex(HexEncode(hash));
  return response;
}

absl::Status EventLog::RecordRead(const v1::ReadAuditEntry& entry) {
  return store_->AppendReadAudit(entry);
}

absl::StatusOr<v1::ListReadAuditResponse> EventLog::ListReadAudit(
    const v1::ListReadAuditRequest& request) {
  KIP_ASSIGN_OR_RETURN(page_size, PageSize(request.page_size()));
  int64_t before_id = 0;
  if (!request.page_token().empty()) {
    KIP_ASSIGN_OR_RETURN(token, DecodeToken(request.page_token()));
    if (!absl::SimpleAtoi(token, &before_id) || before_id <= 0) {
      return absl::InvalidArgumentError(
          "page_token: is not a token this server issued");
    }
  }
  KIP_ASSIGN_OR_RETURN(entries,
                       store_->ListReadAudit(before_id, page_size + 1));
  v1::ListReadAuditResponse response;
  for (int i = 0; i < std::min<int>(page_size, entries.size()); ++i) {
    *response.add_entries() = entries[i].second;
  }
  if (static_cast<int>(entries.size()) > page_size) {
    response.set_next_page_token(
        EncodeToken(absl::StrCat(entries[page_size - 1].first)));
  }
  return response;
}

}  // namespace kip::sessions
