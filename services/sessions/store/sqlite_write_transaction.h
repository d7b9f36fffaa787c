// The SQLite side of a log write (WriteTransaction) on the writer
// connection, and the row decoding the store's reads share with it.
#ifndef KIP_SERVICES_SESSIONS_STORE_SQLITE_WRITE_TRANSACTION_H_
#define KIP_SERVICES_SESSIONS_STORE_SQLITE_WRITE_TRANSACTION_H_

#include "absl/status/status.h"
#include "base/sqlite_db.h"
#include "services/sessions/store/event_store.h"

namespace kip::sessions {

// Columns every session / event read selects, in this order.
inline constexpr char kSqliteSessionColumns[] =
    "record, event_count, head_hash_hex, end_us";
inline constexpr char kSqliteEventColumns[] =
    "session_sequence, global_index, event_id, hash_hex, record";

// A session from kSqliteSessionColumns starting at `first_column`.
absl::StatusOr<v1::InfusionSession> SqliteSessionFromRow(SqliteStatement& stmt,
                                                         int first_column);
StoredEventRow SqliteEventFromRow(SqliteStatement& stmt);

class SqliteWriteTransaction final : public WriteTransaction {
 public:
  explicit SqliteWriteTransaction(SqliteDb& db) : db_(db) {}

  absl::StatusOr<std::optional<EventRecordRow>> FindEvent(
      const std::string& event_id) override;
  absl::StatusOr<std::optional<v1::InfusionSession>> FindSession(
      const std::string& session_id) override;
  absl::StatusOr<int64_t> NextGlobalIndex() override;
  absl::Status InsertEvent(const v1::Event& event,
                           const std::string& content_digest_hex,
                           const std::string& record) override;
  absl::Status UpdateSessionHead(const std::string& session_id,
                                 int64_t event_count,
                                 const std::string& head_hash_hex,
                                 std::optional<absl::Time> end_time) override;
  absl::Status Savepoint() override;
  absl::Status ReleaseSavepoint() override;
  absl::Status RollbackToSavepoint() override;

 private:
  SqliteDb& db_;
};

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_STORE_SQLITE_WRITE_TRANSACTION_H_
