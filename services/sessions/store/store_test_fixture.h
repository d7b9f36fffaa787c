// What the storage conformance and tamper suites share: an EventLog on a fresh
// SQLite file or a fresh PostgreSQL database, the ability to reopen it (as a
// restarted server would), raw SQL on the backend for the tamper tests, and
// the builders of tests/testing/session_records.h.
#ifndef KIP_SERVICES_SESSIONS_STORE_STORE_TEST_FIXTURE_H_
#define KIP_SERVICES_SESSIONS_STORE_STORE_TEST_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "services/sessions/log/event_log.h"
#include "tests/testing/session_records.h"

namespace kip::sessions::testing {

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  // Closes and reopens the log on the same data, keeping the signing key.
  void Reopen();
  // Runs raw SQL on the backend; `sqlite_sql` uses ?N, `pg_sql` $N
  // placeholders. `blob` (if any) binds as parameter 1.
  void RawSql(const std::string& sqlite_sql, const std::string& pg_sql,
              const std::string* blob = nullptr);
  // A stored event's record, read straight from the table.
  std::string RawRecord(int64_t global_index);

  // A study S1 with patient P1 and one session; returns the session id.
  std::string SeedOneSession();
  std::unique_ptr<EventLog> log_;
  std::string spec_;  // sqlite path or postgres DSN
  std::string private_key_pem_;
};

}  // namespace kip::sessions::testing

#endif  // KIP_SERVICES_SESSIONS_STORE_STORE_TEST_FIXTURE_H_
