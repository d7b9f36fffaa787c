#include "services/sessions/store/sqlite_write_transaction.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/sessions/store/row_codec.h"

namespace kip::sessions {

absl::StatusOr<v1::InfusionSession> SqliteSessionFromRow(SqliteStatement& stmt,
                                                         int first_column) {
  KIP_ASSIGN_OR_RETURN(session, ParseRecord<v1::InfusionSession>(
                                    stmt.Text(first_column), "session"));
  session.set_event_count(stmt.Int(first_column + 1));
  session.set_head_hash_hex(stmt.Text(first_column + 2));
  if (!stmt.IsNull(first_column + 3)) {
    *session.mutable_end_time() = MicrosToTimestamp(stmt.Int(first_column + 3));
  }
  return session;
}

StoredEventRow SqliteEventFromRow(SqliteStatement& stmt) {
  return StoredEventRow{stmt.Int(0), stmt.Int(1), stmt.Text(2), stmt.Text(3),
                        stmt.Text(4)};
}

absl::StatusOr<std::optional<EventRecordRow>> SqliteWriteTransaction::FindEvent(
    const std::string& event_id) {
  KIP_ASSIGN_OR_RETURN(
      stmt, db_.Cached(absl::StrCat("SELECT ", kSqliteEventColumns,
                                    ", content_digest_hex FROM events "
                                    "WHERE event_id = ?")));
  stmt->Bind(1, event_id);
  KIP_ASSIGN_OR_RETURN(row, stmt->Step());
  if (!row) return std::nullopt;
  EventRecordRow found{SqliteEventFromRow(*stmt), stmt->Text(5)};
  stmt->Reset();
  return found;
}

absl::StatusOr<std::optional<v1::InfusionSession>>
SqliteWriteTransaction::FindSession(const std::string& session_id) {
  KIP_ASSIGN_OR_RETURN(
      stmt, db_.Cached(absl::StrCat("SELECT ", kSqliteSessionColumns,
                                    " FROM sessions WHERE session_id = ?")));
  stmt->Bind(1, session_id);
  KIP_ASSIGN_OR_RETURN(row, stmt->Step());
  if (!row) return std::nullopt;
  absl::StatusOr<v1::InfusionSession> session = SqliteSessionFromRow(*stmt, 0);
  stmt->Reset();
  if (!session.ok()) return session.status();
  return *session;
}

absl::StatusOr<int64_t> SqliteWriteTransaction::NextGlobalIndex() {
  KIP_ASSIGN_OR_RETURN(
      text,
      db_.QueryText("SELECT COALESCE(MAX(global_index) + 1, 0) FROM events"));
  return std::stoll(text);
}

absl::Status SqliteWriteTransaction::InsertEvent(
    const v1::Event& event, const std::string& content_digest_hex,
    const std::string& record) {
  KIP_ASSIGN_OR_RETURN(stmt,
                       db_.Cached("INSERT INTO events (global_index, event_id, "
                                  "session_id, session_sequence, device_us, "
                                  "content_digest_hex, hash_hex, record) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt->Bind(1, event.global_index())
      .Bind(2, event.event_id())
      .Bind(3, event.session_id())
      .Bind(4, event.session_sequence())
      .Bind(5, TimestampMicros(event.device_time()))
      .Bind(6, content_digest_hex)
      .Bind(7, event.hash_hex())
      .BindBlob(8, record);
  return stmt->Run();
}

absl::Status SqliteWriteTransaction::UpdateSessionHead(
    const std::string& session_id, int64_t event_count,
    const std::string& head_hash_hex, std::optional<absl::Time> end_time) {
  KIP_ASSIGN_OR_RETURN(
      stmt, db_.Cached("UPDATE sessions SET event_count = ?, "
                       "head_hash_hex = ?, end_us = COALESCE(?, end_us) "
                       "WHERE session_id = ?"));
  stmt->Bind(1, event_count).Bind(2, head_hash_hex).Bind(4, session_id);
  if (end_time) {
    stmt->Bind(3, absl::ToUnixMicros(*end_time));
  } else {
    stmt->BindNull(3);
  }
  return stmt->Run();
}

absl::Status SqliteWriteTransaction::Savepoint() {
  return db_.Exec("SAVEPOINT batch");
}

absl::Status SqliteWriteTransaction::ReleaseSavepoint() {
  return db_.Exec("RELEASE SAVEPOINT batch");
}

absl::Status SqliteWriteTransaction::RollbackToSavepoint() {
  KIP_RETURN_IF_ERROR(db_.Exec("ROLLBACK TO SAVEPOINT batch"));
  return db_.Exec("RELEASE SAVEPOINT batch");
}

}  // namespace kip::sessions
