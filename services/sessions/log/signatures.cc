#include "services/sessions/log/signatures.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/time_util.h"

namespace kip::sessions {

namespace {

constexpr size_t kMaxPrintedName = 200;

}  // namespace

absl::Status CheckSigner(const Principal& signer,
                         const v1::SignRecordsRequest& request,
                         absl::Time now) {
  if (request.meaning() == v1::SIGNATURE_MEANING_UNSPECIFIED ||
      !v1::SignatureMeaning_IsValid(request.meaning())) {
    return absl::InvalidArgumentError(
        "meaning: is required (AUTHORED, REVIEWED or APPROVED)");
  }
  if (request.printed_name().empty() ||
      request.printed_name().size() > kMaxPrintedName) {
    return absl::InvalidArgumentError(absl::StrCat(
        "printed_name: ", request.printed_name().size(),
        " characters; the signer's printed name needs 1..", kMaxPrintedName));
  }
  if (!signer.authenticated_at.has_value() ||
      now - *signer.authenticated_at > kSignatureReauthWindow) {
    return absl::UnauthenticatedError(absl::StrCat(
        "signing needs a sign-in within the last ",
        absl::FormatDuration(kSignatureReauthWindow),
        ": sign in again and sign with the new token (its auth_time or iat)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Event> SignatureEvent(
    const Principal& signer, const v1::SignRecordsRequest& request,
    const std::string& session_id, const std::string& signature_id,
    const std::vector<StoredEventRow>& rows, absl::Time now) {
  v1::Event event;
  event.set_session_id(session_id);
  *event.mutable_device_time() = ProtoFromTime(now);
  v1::Signature* s = event.mutable_signature();
  s->set_signature_id(signature_id);
  s->set_signer_subject(signer.subject);
  s->set_printed_name(request.printed_name());
  s->set_meaning(request.meaning());
  *s->mutable_signed_time() = ProtoFromTime(now);
  *s->mutable_authenticated_time() = ProtoFromTime(*signer.authenticated_at);
  s->set_scope(request.session_id().empty() ? "casebook" : "session");
  for (const StoredEventRow& row : rows) {
    v1::Event stored;
    if (!stored.ParseFromString(row.record)) {
      return absl::DataLossError(absl::StrCat(
          "session '", session_id, "': event ", row.session_sequence,
          " is unreadable; it cannot be signed"));
    }
    if (stored.has_signature()) continue;
    v1::SignedRecord* record = s->add_records();
    record->set_event_id(row.event_id);
    record->set_hash_hex(row.hash_hex);
  }
  if (s->records_size() == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("session '", session_id, "' has no events to sign"));
  }
  return event;
}

std::vector<v1::SignatureCheck> CheckSignatures(
    const std::vector<StoredEventRow>& rows) {
  // What each event hashes to now, and which events a later correction
  // points at (with the correction's sequence).
  std::map<std::string, std::string> hash_now;
  std::map<std::string, int64_t> corrected_at;
  std::vector<std::pair<int64_t, v1::Event>> signatures;
  for (const StoredEventRow& row : rows) {
    v1::Event event;
    if (!event.ParseFromString(row.record)) continue;  // absent: broken
    absl::StatusOr<std::string> hash = ChainHashHex(event);
    if (hash.ok()) hash_now[row.event_id] = *hash;
    if (event.has_correction())
      corrected_at.emplace(event.correction().corrected_event_id(),
                           row.session_sequence);
    if (event.has_signature())
      signatures.emplace_back(row.session_sequence, std::move(event));
  }
  std::vector<v1::SignatureCheck> checks;
  for (const auto& [sequence, event] : signatures) {
    const v1::Signature& s = event.signature();
    v1::SignatureCheck check;
    check.set_signature_id(s.signature_id());
    check.set_event_id(event.event_id());
    check.set_printed_name(s.printed_name());
    check.set_meaning(s.meaning());
    *check.mutable_signed_time() = s.signed_time();
    check.set_state(v1::SignatureCheck::VALID);
    for (const v1::SignedRecord& r : s.records()) {
      auto now = hash_now.find(r.event_id());
      if (now == hash_now.end() || now->second != r.hash_hex()) {
        check.set_state(v1::SignatureCheck::BROKEN);
        check.set_detail(absl::StrCat("signed event ", r.event_id(),
                                      now == hash_now.end()
                                          ? " is missing"
                                          : " no longer hashes as signed"));
        break;
      }
      auto fix = corrected_at.find(r.event_id());
      if (fix != corrected_at.end() && fix->second > sequence &&
          check.state() == v1::SignatureCheck::VALID) {
        check.set_state(v1::SignatureCheck::SUPERSEDED);
        check.set_detail(absl::StrCat("signed event ", r.event_id(),
                                      " was corrected after signing"));
      }
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

}  // namespace kip::sessions
