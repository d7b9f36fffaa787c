// The gateway's quarantine on disk: every pump message it could not apply,
// byte for byte, with when, from which pump, under which control id and why.
// Written durably (SQLite WAL, synchronous=FULL) before the ACK goes out, so
// a message answered AE survives a crash of the gateway. Thread-safe.
#ifndef KIP_SERVICES_GATEWAY_STORE_SQLITE_QUARANTINE_H_
#define KIP_SERVICES_GATEWAY_STORE_SQLITE_QUARANTINE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/sqlite_db.h"
#include "services/gateway/core/ports.h"

namespace kip::gateway {

class SqliteQuarantine final : public Quarantine {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteQuarantine>> Open(
      const std::string& path);

  absl::Status Keep(const QuarantinedMessage& message) override;

  // Oldest first: up to `limit` messages kept after position `after` (0:
  // from the start); `next` is the position to continue from.
  struct Page {
    std::vector<QuarantinedMessage> messages;
    int64_t next = 0;
  };
  absl::StatusOr<Page> List(int64_t after, int limit,
                            const std::string& device_id = "");

 private:
  explicit SqliteQuarantine(std::unique_ptr<SqliteDb> db)
      : db_(std::move(db)) {}
  absl::Mutex mu_;
  std::unique_ptr<SqliteDb> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kip::gateway

#endif  // KIP_SERVICES_GATEWAY_STORE_SQLITE_QUARANTINE_H_
