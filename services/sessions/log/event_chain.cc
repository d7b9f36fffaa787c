#include "services/sessions/log/event_chain.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/sessions/log/merkle.h"

namespace kip::sessions {

const char kGenesisHashHex[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

std::string CanonicalBytes(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream string_stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&string_stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

v1::Event ClientContent(const v1::Event& event) {
  v1::Event content = event;
  content.clear_recorded_by();
  content.clear_server_time();
  content.clear_session_sequence();
  content.clear_global_index();
  content.clear_prev_hash_hex();
  content.clear_hash_hex();
  content.DiscardUnknownFields();
  return content;
}

std::string ContentDigestHex(const v1::Event& event) {
  return HexEncode(Sha256(CanonicalBytes(ClientContent(event))));
}

absl::StatusOr<std::string> ChainHashHex(const v1::Event& event) {
  absl::StatusOr<std::string> prev = HexDecode(event.prev_hash_hex());
  if (!prev.ok() || prev->size() != 32) {
    return absl::DataLossError(absl::StrCat(
        "event ", event.event_id(), ": prev_hash_hex is not a SHA-256 hash"));
  }
  v1::Event record = event;
  record.clear_hash_hex();
  const uint64_t sequence = static_cast<uint64_t>(event.session_sequence());
  std::string sequence_be(8, '\0');
  for (int i = 0; i < 8; ++i) {
    sequence_be[7 - i] = static_cast<char>((sequence >> (8 * i)) & 0xff);
  }
  return HexEncode(
      Sha256(absl::StrCat(absl::string_view("kip.event.v1\0", 13), sequence_be,
                          *prev, CanonicalBytes(record))));
}

ChainVerification VerifyChain(const std::vector<StoredEventRow>& rows,
                              int64_t head_event_count,
                              const std::string& head_hash_hex) {
  ChainVerification result;
  std::string prev_hash_hex = kGenesisHashHex;
  auto fail = [&](int64_t sequence, std::string problem) {
    result.ok = false;
    result.first_bad_sequence = sequence;
    result.problem = std::move(problem);
    return result;
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    const StoredEventRow& row = rows[i];
    const int64_t expected_sequence = static_cast<int64_t>(i) + 1;
    v1::Event event;
    if (!event.ParseFromString(row.record)) {
      return fail(expected_sequence, "stored record does not parse");
    }
    if (row.session_sequence != expected_sequence) {
      return fail(expected_sequence,
                  absl::StrCat("expected sequence ", expected_sequence,
                               ", the store has ", row.session_sequence,
                               " (an event is missing or reordered)"));
    }
    if (event.session_sequence() != expected_sequence) {
      return fail(
          expected_sequence,
          absl::StrCat("record says sequence ", event.session_sequence(),
                       ", expected ", expected_sequence));
    }
    if (event.event_id() != row.event_id ||
        event.global_index() != row.global_index) {
      return fail(expected_sequence,
                  "indexed columns (event_id, global_index) differ from the "
                  "hashed record");
    }
    if (event.prev_hash_hex() != prev_hash_hex) {
      return fail(expected_sequence,
                  "previous-hash link does not match the preceding event");
    }
    absl::StatusOr<std::string> hash = ChainHashHex(event);
    if (!hash.ok()) return fail(expected_sequence, hash.status().ToString());
    if (*hash != event.hash_hex() || *hash != row.hash_hex) {
      return fail(expected_sequence,
                  absl::StrCat("content hash mismatch: recomputed ", *hash,
                               ", stored ", row.hash_hex));
    }
    prev_hash_hex = *hash;
    ++result.events_checked;
  }
  const int64_t count = static_cast<int64_t>(rows.size());
  if (head_event_count != count) {
    return fail(std::min(count, head_event_count) + 1,
                absl::StrCat("session head records ", head_event_count,
                             " events, the store has ", count));
  }
  const std::string expected_head = count == 0 ? "" : prev_hash_hex;
  if (head_hash_hex != expected_head) {
    return fail(count, "session head hash differs from the last event's hash");
  }
  return result;
}

}  // namespace kip::sessions
