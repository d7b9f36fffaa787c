// The offline-first session log for pumps and tablets. Start() and Log() write
// to a local durable outbox (SQLite, WAL, synchronous=FULL; encrypted at rest
// with SQLCipher when the app gives a key) before they return; a background
// thread delivers the outbox in order with capped exponential backoff, and
// after a restart it resumes where it stopped. The server deduplicates by
// session_id and event_id, so delivery is effectively exactly-once.
//
// Threading: every method may be called from any thread; the delivery
// callback runs on the logger's own thread and must not block. Destroying the
// logger stops delivery; what is pending stays in the outbox.
#ifndef KIP_SDK_CPP_SESSION_LOGGER_H_
#define KIP_SDK_CPP_SESSION_LOGGER_H_

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "sdk/cpp/clients.h"

namespace kip {

struct SessionLoggerOptions {
  std::string outbox_path;  // the SQLite file; created if missing
  // 32 raw bytes (AES-256) from the app's keystore: the outbox is a SQLCipher
  // file no one can read without it. A key that does not open an existing
  // outbox is PERMISSION_DENIED from Create(). Empty: a plain SQLite file
  // (development and servers' own tools only; a device should always set it).
  std::string outbox_key;
  int64_t max_pending = 100000;  // Log() refuses (RESOURCE_EXHAUSTED) beyond
  int batch_size = 100;          // events per AppendEvents
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(30);
};

enum class DeliveryState {
  kIdle,        // nothing pending
  kDelivering,  // sending
  kBackingOff,  // the service is unreachable; retrying
  kRejected,    // the service refused a record for good: kept as dead letter
};

struct DeliveryStatus {
  DeliveryState state = DeliveryState::kIdle;
  int64_t pending = 0;
  absl::Status last_error;
};

class SessionLogger {
 public:
  static absl::StatusOr<std::unique_ptr<SessionLogger>> Create(
      SessionLoggerOptions options,
      std::shared_ptr<SessionLogConnection> connection);
  ~SessionLogger();

  // Queues a session start (session_id generated when empty); returns the id.
  absl::StatusOr<std::string> Start(kip::sessions::v1::InfusionSession session);
  // Queues an event (event_id generated when empty); returns the event_id
  // once the event is durable on this device.
  absl::StatusOr<std::string> Log(kip::sessions::v1::Event event);

  // Retries at once and waits until everything is delivered, or `deadline`
  // (DEADLINE_EXCEEDED).
  absl::Status Flush(absl::Time deadline);
  int64_t PendingCount();
  // Records the service refused (INVALID_ARGUMENT, NOT_FOUND, ...), kept aside.
  int64_t RejectedCount();
  void OnDeliveryStateChange(
      std::function<void(const DeliveryStatus&)> callback);
  // The network is back (an OS hint): retry now instead of after the backoff.
  void NetworkUp();

 private:
  class Outbox;
  SessionLogger(SessionLoggerOptions options,
                std::shared_ptr<SessionLogConnection> connection,
                std::unique_ptr<Outbox> outbox);
  absl::StatusOr<std::string> Enqueue(const std::string& kind,
                                      const std::string& id,
                                      const std::string& record);
  void DeliveryLoop();
  // Sends the oldest records; OK when something was delivered or rejected.
  absl::Status DeliverSome();
  void Report(DeliveryState state, absl::Status error);

  const SessionLoggerOptions options_;
  std::shared_ptr<SessionLogConnection> connection_;
  std::unique_ptr<Outbox> outbox_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool new_work_ ABSL_GUARDED_BY(mu_) = false;   // Start()/Log() queued
  bool retry_now_ ABSL_GUARDED_BY(mu_) = false;  // NetworkUp()/Flush()
  std::function<void(const DeliveryStatus&)> callback_ ABSL_GUARDED_BY(mu_);
  std::mt19937 jitter_rng_{std::random_device{}()};  // delivery thread only
  std::thread thread_;
};

// A random (version 4) UUID.
std::string NewUuid();

}  // namespace kip

#endif  // KIP_SDK_CPP_SESSION_LOGGER_H_
