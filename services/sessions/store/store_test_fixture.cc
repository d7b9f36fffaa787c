#include "services/sessions/store/store_test_fixture.h"

#include <cstdio>

#include "base/sqlite_db.h"
#include "services/sessions/store/pg_conn.h"
#include "services/sessions/store/postgres_event_store.h"
#include "services/sessions/store/row_codec.h"
#include "services/sessions/store/sqlite_event_store.h"
#include "tests/testing/postgres_server.h"

namespace kip::sessions::testing {

void StoreTest::SetUp() {
  if (GetParam() == "sqlite") {
    spec_ = absl::StrCat(::testing::TempDir(), "/", NewUuid(), ".db");
  } else {
    absl::StatusOr<std::string> dsn = kip::testing::FreshPostgresDatabase();
    ASSERT_TRUE(dsn.ok()) << dsn.status();
    spec_ = *dsn;
  }
  auto signer = CheckpointSigner::Generate();
  ASSERT_TRUE(signer.ok());
  private_key_pem_ = (*signer)->private_key_pem();
  Reopen();
}

void StoreTest::Reopen() {
  log_.reset();
  absl::StatusOr<std::unique_ptr<EventStore>> store =
      GetParam() == "sqlite" ? OpenSqliteEventStore(spec_)
                             : OpenPostgresEventStore(spec_);
  ASSERT_TRUE(store.ok()) << store.status();
  auto signer = CheckpointSigner::FromPrivateKeyPem(private_key_pem_);
  ASSERT_TRUE(signer.ok());
  auto log = EventLog::Open(std::move(*store), std::move(*signer));
  ASSERT_TRUE(log.ok()) << log.status();
  log_ = std::move(*log);
}

void StoreTest::RawSql(const std::string& sqlite_sql, const std::string& pg_sql,
                       const std::string* blob) {
  if (GetParam() == "sqlite") {
    auto db = SqliteDb::Open(spec_);
    ASSERT_TRUE(db.ok()) << db.status();
    auto stmt = (*db)->Prepare(sqlite_sql);
    ASSERT_TRUE(stmt.ok()) << stmt.status();
    if (blob != nullptr) stmt->BindBlob(1, *blob);
    ASSERT_TRUE(stmt->Run().ok());
  } else {
    auto conn = PgConn::Connect(spec_);
    ASSERT_TRUE(conn.ok()) << conn.status();
    std::vector<PgParam> params;
    if (blob != nullptr) params.push_back(PgParam::Bytes(*blob));
    auto result = (*conn)->Exec(pg_sql, params);
    ASSERT_TRUE(result.ok()) << result.status();
  }
}

std::string StoreTest::RawRecord(int64_t global_index) {
  auto rows = log_->store().EventsFrom(global_index, "", 1);
  EXPECT_TRUE(rows.ok() && !rows->empty());
  return rows.ok() && !rows->empty() ? (*rows)[0].record : "";
}

std::string StoreTest::SeedOneSession() {
  auto study = log_->CreateStudy(MakeStudy("S1"));
  EXPECT_TRUE(study.ok()) << study.status();
  auto patient = log_->EnrollPatient(MakePatient("S1", "P1"));
  EXPECT_TRUE(patient.ok()) << patient.status();
  auto session = log_->StartSession(MakeSession("S1", "P1"));
  EXPECT_TRUE(session.ok()) << session.status();
  return session.ok() ? session->session_id() : "";
}

}  // namespace kip::sessions::testing
