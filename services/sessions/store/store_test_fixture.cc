#include "services/sessions/store/store_test_fixture.h"

#include <cstdio>
#include <random>

#include "absl/strings/str_format.h"
#include "base/sqlite_db.h"
#include "services/sessions/store/pg_conn.h"
#include "services/sessions/store/postgres_event_store.h"
#include "services/sessions/store/row_codec.h"
#include "services/sessions/store/sqlite_event_store.h"
#include "tests/testing/postgres_server.h"

namespace kip::sessions::testing {

std::string NewUuid() {
  static std::mt19937_64 rng(std::random_device{}());
  static absl::Mutex mu;
  absl::MutexLock lock(&mu);
  const uint64_t a = rng(), b = rng();
  return absl::StrFormat("%08x-%04x-4%03x-a%03x-%012x", a >> 32,
                         (a >> 16) & 0xffff, a & 0xfff, (b >> 48) & 0xfff,
                         b & 0xffffffffffffULL);
}

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

v1::Study MakeStudy(const std::string& id) {
  v1::Study study;
  study.set_id(id);
  study.set_title("Ketamine for CRPS, 4-day outpatient infusion");
  for (const char* arm : {"ketamine", "placebo"}) {
    v1::Arm* a = study.add_arms();
    a->set_id(arm);
    a->set_title(arm);
  }
  study.add_protocol_ids("crps-0.35mgkg-4h");
  study.add_site_ids("site-a");
  return study;
}

v1::Patient MakePatient(const std::string& study, const std::string& id) {
  v1::Patient patient;
  patient.set_study_id(study);
  patient.set_patient_id(id);
  patient.set_site_id("site-a");
  patient.set_arm_id("ketamine");
  patient.set_baseline_weight_kg(70);
  patient.set_height_cm(172);
  patient.set_sex(kip::common::v1::FEMALE);
  patient.set_age_band("40-49");
  patient.set_condition(v1::CRPS);
  patient.set_baseline_pain_nrs(7.5);
  patient.set_temporal_summation_nrs(2);
  return patient;
}

v1::InfusionSession MakeSession(const std::string& study,
                                const std::string& patient,
                                const std::string& course) {
  v1::InfusionSession session;
  session.set_session_id(NewUuid());
  session.set_study_id(study);
  session.set_patient_id(patient);
  session.set_protocol_id("crps-0.35mgkg-4h");
  session.set_protocol_version("2026.11.1");
  session.set_device_id("pump-7");
  session.set_course_day(1);
  session.set_course_id(course);
  return session;
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

v1::Event PainEvent(const std::string& session_id, double nrs,
                    absl::Time device_time) {
  v1::Event event;
  event.set_event_id(NewUuid());
  event.set_session_id(session_id);
  *event.mutable_device_time() = ToTimestamp(device_time);
  event.mutable_pain_score()->set_nrs(nrs);
  event.mutable_pain_score()->set_timepoint(v1::DURING);
  return event;
}

}  // namespace kip::sessions::testing
