#include "sdk/cpp/session_logger.h"

#include "absl/strings/str_cat.h"
#include "base/sqlite_db.h"
#include "base/uuid.h"

namespace kip {

namespace sv1 = kip::sessions::v1;
using kip::SqliteDb;

std::string NewUuid() { return RandomUuid(); }

// The durable outbox: records in arrival order, and the ones the service
// refused for good. Locked by its own mutex: Log() and delivery interleave.
class SessionLogger::Outbox {
 public:
  struct Record {
    int64_t seq;
    std::string kind;  // "session" or "event"
    std::string id;
    std::string record;
  };

  static absl::StatusOr<std::unique_ptr<Outbox>> Open(const std::string& path,
                                                      const std::string& key) {
    absl::StatusOr<std::unique_ptr<SqliteDb>> db =
        key.empty() ? SqliteDb::Open(path) : SqliteDb::OpenEncrypted(path, key);
    if (!db.ok()) return db.status();
    for (const char* sql :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
          "CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY "
          "AUTOINCREMENT, "
          "kind TEXT NOT NULL, id TEXT NOT NULL UNIQUE, record BLOB NOT NULL)",
          "CREATE TABLE IF NOT EXISTS rejected (seq INTEGER PRIMARY KEY, kind "
          "TEXT, id TEXT, "
          "record BLOB, error TEXT)"}) {
      absl::StatusOr<std::string> r = (*db)->QueryText(sql);
      if (!r.ok()) return r.status();
    }
    absl::StatusOr<std::string> sync = (*db)->QueryText("PRAGMA synchronous");
    if (!sync.ok() || *sync != "2") {
      return absl::FailedPreconditionError(
          "outbox: synchronous=FULL could not be set");
    }
    absl::StatusOr<std::string> pending =
        (*db)->QueryText("SELECT COUNT(*) FROM outbox");
    if (!pending.ok()) return pending.status();
    return std::unique_ptr<Outbox>(
        new Outbox(std::move(*db), std::stoll(*pending)));
  }

  absl::Status Add(const std::string& kind, const std::string& id,
                   const std::string& record, int64_t max_pending) {
    absl::MutexLock lock(&mu_);
    if (pending_ >= max_pending) {
      return absl::ResourceExhaustedError(
          absl::StrCat("the outbox holds ", pending_,
                       " undelivered records (max_pending); nothing was "
                       "dropped, this record was not queued"));
    }
    absl::StatusOr<SqliteStatement*> stmt = db_->Cached(
        "INSERT OR IGNORE INTO outbox (kind, id, record) VALUES (?, ?, ?)");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Bind(1, kind).Bind(2, id).BindBlob(3, record);
    if (absl::Status s = (*stmt)->Run(); !s.ok()) return s;
    pending_ += db_->Changes();  // 0 when the id was already queued
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<Record>> Oldest(int limit) {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<SqliteStatement*> stmt = db_->Cached(
        "SELECT seq, kind, id, record FROM outbox ORDER BY seq LIMIT ?");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Bind(1, static_cast<int64_t>(limit));
    std::vector<Record> records;
    while (true) {
      absl::StatusOr<bool> row = (*stmt)->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      records.push_back({(*stmt)->Int(0), (*stmt)->Text(1), (*stmt)->Text(2),
                         (*stmt)->Text(3)});
    }
    (*stmt)->Reset();
    return records;
  }

  // Removes delivered records up to and including `last_seq`.
  absl::Status Delivered(int64_t last_seq) {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<SqliteStatement*> stmt =
        db_->Cached("DELETE FROM outbox WHERE seq <= ?");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Bind(1, last_seq);
    if (absl::Status s = (*stmt)->Run(); !s.ok()) return s;
    pending_ -= db_->Changes();
    return absl::OkStatus();
  }

  absl::Status Reject(const Record& r, const absl::Status& error) {
    absl::MutexLock lock(&mu_);
    if (absl::Status s = db_->Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    absl::StatusOr<SqliteStatement*> insert =
        db_->Cached("INSERT OR REPLACE INTO rejected VALUES (?, ?, ?, ?, ?)");
    absl::Status status = insert.status();
    if (status.ok()) {
      (*insert)
          ->Bind(1, r.seq)
          .Bind(2, r.kind)
          .Bind(3, r.id)
          .BindBlob(4, r.record)
          .Bind(5, error.ToString());
      status = (*insert)->Run();
    }
    if (status.ok()) {
      absl::StatusOr<SqliteStatement*> remove =
          db_->Cached("DELETE FROM outbox WHERE seq = ?");
      status = remove.status();
      if (status.ok()) {
        (*remove)->Bind(1, r.seq);
        status = (*remove)->Run();
      }
    }
    const int64_t removed = status.ok() ? db_->Changes() : 0;
    if (status.ok()) status = db_->Exec("COMMIT");
    if (!status.ok()) {
      db_->Exec("ROLLBACK").IgnoreError();
      return status;
    }
    pending_ -= removed;
    return absl::OkStatus();
  }

  int64_t Pending() {
    absl::MutexLock lock(&mu_);
    return pending_;
  }

  int64_t Count(const char* table) {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<int64_t> n = CountLocked(table);
    return n.ok() ? *n : -1;
  }

 private:
  Outbox(std::unique_ptr<SqliteDb> db, int64_t pending)
      : db_(std::move(db)), pending_(pending) {}
  absl::StatusOr<int64_t> CountLocked(const char* table)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    absl::StatusOr<std::string> n =
        db_->QueryText(absl::StrCat("SELECT COUNT(*) FROM ", table));
    if (!n.ok()) return n.status();
    return std::stoll(*n);
  }
  absl::Mutex mu_;
  std::unique_ptr<SqliteDb> db_ ABSL_GUARDED_BY(mu_);
  // Rows in `outbox`, kept beside the table: counting them per Log() would
  // read (and, encrypted, decrypt) every page of a full outbox.
  int64_t pending_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::unique_ptr<SessionLogger>> SessionLogger::Create(
    SessionLoggerOptions options,
    std::shared_ptr<SessionLogConnection> connection) {
  if (options.outbox_path.empty()) {
    return absl::InvalidArgumentError("outbox_path: is required");
  }
  if (options.batch_size < 1 || options.batch_size > 1000) {
    return absl::InvalidArgumentError("batch_size: must be within 1..1000");
  }
  absl::StatusOr<std::unique_ptr<Outbox>> outbox =
      Outbox::Open(options.outbox_path, options.outbox_key);
  if (!outbox.ok()) return outbox.status();
  std::unique_ptr<SessionLogger> logger(new SessionLogger(
      std::move(options), std::move(connection), std::move(*outbox)));
  logger->thread_ = std::thread([raw = logger.get()] { raw->DeliveryLoop(); });
  return logger;
}

SessionLogger::SessionLogger(SessionLoggerOptions options,
                             std::shared_ptr<SessionLogConnection> connection,
                             std::unique_ptr<Outbox> outbox)
    : options_(std::move(options)),
      connection_(std::move(connection)),
      outbox_(std::move(outbox)) {}

SessionLogger::~SessionLogger() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

absl::StatusOr<std::string> SessionLogger::Start(sv1::InfusionSession session) {
  if (session.session_id().empty()) session.set_session_id(NewUuid());
  return Enqueue("session", session.session_id(), session.SerializeAsString());
}

absl::StatusOr<std::string> SessionLogger::Log(sv1::Event event) {
  if (event.event_id().empty()) event.set_event_id(NewUuid());
  if (event.session_id().empty())
    return absl::InvalidArgumentError("event.session_id: is required");
  return Enqueue("event", event.event_id(), event.SerializeAsString());
}

absl::StatusOr<std::string> SessionLogger::Enqueue(const std::string& kind,
                                                   const std::string& id,
                                                   const std::string& record) {
  if (absl::Status s = outbox_->Add(kind, id, record, options_.max_pending);
      !s.ok())
    return s;
  absl::MutexLock lock(&mu_);
  new_work_ = true;  // ends an idle wait, not a backoff
  return id;
}

int64_t SessionLogger::PendingCount() { return outbox_->Pending(); }
int64_t SessionLogger::RejectedCount() { return outbox_->Count("rejected"); }

void SessionLogger::OnDeliveryStateChange(
    std::function<void(const DeliveryStatus&)> callback) {
  absl::MutexLock lock(&mu_);
  callback_ = std::move(callback);
}

void SessionLogger::NetworkUp() {
  connection_->ResetConnectionBackoff();
  absl::MutexLock lock(&mu_);
  retry_now_ = true;
}

absl::Status SessionLogger::Flush(absl::Time deadline) {
  {
    absl::MutexLock lock(&mu_);
    retry_now_ = true;
  }
  while (PendingCount() > 0) {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat(PendingCount(), " records not yet delivered"));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::OkStatus();
}

void SessionLogger::Report(DeliveryState state, absl::Status error) {
  std::function<void(const DeliveryStatus&)> callback;
  {
    absl::MutexLock lock(&mu_);
    callback = callback_;
  }
  if (callback) callback({state, PendingCount(), std::move(error)});
}

// Errors worth waiting out; anything else means the record itself is refused.
bool Transient(const absl::Status& s) {
  return absl::IsUnavailable(s) || absl::IsDeadlineExceeded(s) ||
         absl::IsResourceExhausted(s) || absl::IsAborted(s) ||
         absl::IsUnauthenticated(s) || absl::IsInternal(s) ||
         absl::IsUnknown(s) || absl::IsCancelled(s);
}

absl::Status SessionLogger::DeliverSome() {
  absl::StatusOr<std::vector<Outbox::Record>> records =
      outbox_->Oldest(options_.batch_size);
  if (!records.ok()) return records.status();
  if (records->empty()) return absl::OkStatus();
  // A session start goes alone; events go in runs up to the next start.
  const Outbox::Record& first = records->front();
  if (first.kind == "session") {
    sv1::StartSessionRequest request;
    request.mutable_session()->ParseFromString(first.record);
    absl::StatusOr<sv1::StartSessionResponse> r =
        connection_->StartSession(request, CallOptions());
    if (r.ok()) return outbox_->Delivered(first.seq);
    if (Transient(r.status())) return r.status();
    Report(DeliveryState::kRejected, r.status());
    return outbox_->Reject(first, r.status());
  }
  sv1::AppendEventsRequest request;
  int64_t last_seq = first.seq;
  for (const Outbox::Record& record : *records) {
    if (record.kind != "event") break;
    request.add_events()->ParseFromString(record.record);
    last_seq = record.seq;
  }
  absl::StatusOr<sv1::AppendEventsResponse> r =
      connection_->AppendEvents(request, CallOptions());
  if (r.ok()) return outbox_->Delivered(last_seq);
  if (Transient(r.status())) return r.status();
  // The batch was refused as a whole: find the bad record by sending the
  // first alone; it is kept aside only if it is refused by itself.
  if (request.events_size() > 1) {
    sv1::AppendEventsRequest single;
    *single.add_events() = request.events(0);
    absl::StatusOr<sv1::AppendEventsResponse> one =
        connection_->AppendEvents(single, CallOptions());
    if (one.ok()) return outbox_->Delivered(first.seq);
    if (Transient(one.status())) return one.status();
    Report(DeliveryState::kRejected, one.status());
    return outbox_->Reject(first, one.status());
  }
  Report(DeliveryState::kRejected, r.status());
  return outbox_->Reject(first, r.status());
}

void SessionLogger::DeliveryLoop() {
  absl::Duration backoff = options_.initial_backoff;
  DeliveryState state = DeliveryState::kIdle;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      new_work_ = false;
      retry_now_ = false;
    }
    const int64_t pending = PendingCount();
    if (pending <= 0) {
      if (state != DeliveryState::kIdle)
        Report(state = DeliveryState::kIdle, absl::OkStatus());
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(
          absl::Condition(
              +[](SessionLogger* l) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                return l->new_work_ || l->retry_now_ || l->stopping_;
              },
              this),
          absl::Milliseconds(500));
      continue;
    }
    if (state != DeliveryState::kDelivering) {
      Report(state = DeliveryState::kDelivering, absl::OkStatus());
    }
    absl::Status status = DeliverSome();
    if (status.ok()) {
      backoff = options_.initial_backoff;
      continue;
    }
    Report(state = DeliveryState::kBackingOff, status);
    // Capped exponential backoff with jitter; only NetworkUp() or Flush()
    // cut it short (new events during an outage must not cause a retry each).
    const absl::Duration wait =
        backoff * std::uniform_real_distribution<double>(0.5, 1.0)(jitter_rng_);
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(
          absl::Condition(
              +[](SessionLogger* l) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                return l->retry_now_ || l->stopping_;
              },
              this),
          wait);
    }
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

}  // namespace kip
