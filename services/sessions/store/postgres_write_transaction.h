// The PostgreSQL side of a log write (WriteTransaction) on the writer
// connection, and the row decoding the store's reads share with it.
#ifndef KIP_SERVICES_SESSIONS_STORE_POSTGRES_WRITE_TRANSACTION_H_
#define KIP_SERVICES_SESSIONS_STORE_POSTGRES_WRITE_TRANSACTION_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/status_macros.h"
#include "services/sessions/store/event_store.h"
#include "services/sessions/store/pg_conn.h"
#include "services/sessions/store/row_codec.h"

namespace kip::sessions {

// Columns every session / event read selects, in this order.
inline constexpr char kPgSessionColumns[] =
    "record, event_count, head_hash_hex, end_us";
inline constexpr char kPgEventColumns[] =
    "session_sequence, global_index, event_id, hash_hex, record";

absl::StatusOr<v1::InfusionSession> PgSessionAt(const PgResult& r, int row);
StoredEventRow PgEventAt(const PgResult& r, int row);
absl::StatusOr<std::optional<v1::InfusionSession>> FindPgSession(
    PgConn& conn, const std::string& session_id);

// Record blobs of column 0, parsed.
template <typename Proto>
absl::StatusOr<std::vector<Proto>> PgRecords(const PgResult& r,
                                             absl::string_view what) {
  std::vector<Proto> out;
  for (int i = 0; i < r.rows(); ++i) {
    KIP_ASSIGN_OR_RETURN(proto, ParseRecord<Proto>(r.Bytes(i, 0), what));
    out.push_back(std::move(proto));
  }
  return out;
}

std::unique_ptr<WriteTransaction> NewPgWriteTransaction(PgConn& conn);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_STORE_POSTGRES_WRITE_TRANSACTION_H_
