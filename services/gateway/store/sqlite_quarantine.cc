#include "services/gateway/store/sqlite_quarantine.h"

#include "base/status_macros.h"

namespace kip::gateway {

absl::StatusOr<std::unique_ptr<SqliteQuarantine>> SqliteQuarantine::Open(
    const std::string& path) {
  absl::StatusOr<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  KIP_RETURN_IF_ERROR(
      (*db)->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                  "CREATE TABLE IF NOT EXISTS quarantine ("
                  "  position INTEGER PRIMARY KEY AUTOINCREMENT,"
                  "  id TEXT NOT NULL UNIQUE, received_us INTEGER NOT NULL,"
                  "  device_id TEXT NOT NULL, control_id TEXT NOT NULL,"
                  "  reason TEXT NOT NULL, message BLOB NOT NULL);"
                  "CREATE INDEX IF NOT EXISTS quarantine_device ON "
                  "quarantine(device_id);"));
  return std::unique_ptr<SqliteQuarantine>(
      new SqliteQuarantine(*std::move(db)));
}

absl::Status SqliteQuarantine::Keep(const QuarantinedMessage& m) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<SqliteStatement*> insert = db_->Cached(
      "INSERT INTO quarantine (id, received_us, device_id, control_id, "
      "reason, message) VALUES (?, ?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.status();
  (*insert)
      ->Bind(1, m.id)
      .Bind(2, absl::ToUnixMicros(m.received))
      .Bind(3, m.device_id)
      .Bind(4, m.control_id)
      .Bind(5, m.reason)
      .BindBlob(6, m.message);
  return (*insert)->Run();
}

absl::StatusOr<SqliteQuarantine::Page> SqliteQuarantine::List(
    int64_t after, int limit, const std::string& device_id) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<SqliteStatement> select = db_->Prepare(
      "SELECT position, id, received_us, device_id, control_id, reason, "
      "message FROM quarantine WHERE position > ? AND (? = '' OR device_id = "
      "?) ORDER BY position LIMIT ?");
  if (!select.ok()) return select.status();
  select->Bind(1, after)
      .Bind(2, device_id)
      .Bind(3, device_id)
      .Bind(4, static_cast<int64_t>(limit));
  Page page;
  page.next = after;
  while (true) {
    absl::StatusOr<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    page.next = select->Int(0);
    page.messages.push_back(
        {select->Text(1), absl::FromUnixMicros(select->Int(2)), select->Text(3),
         select->Text(4), select->Text(5), select->Text(6)});
  }
  return page;
}

}  // namespace kip::gateway
