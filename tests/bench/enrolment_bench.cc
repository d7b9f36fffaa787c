// Randomised enrolment (issue #15) on the embedded store: EnrollPatient in a
// blinded permuted-block study (read the trial log, draw the arm, chain the
// entry, write it with the patient row in one durable transaction) beside,
// in the same run, the same number of enrolments where the caller picks the
// arm, and raw SQLite inserts of the same patient rows with the same
// durability (WAL, synchronous=FULL). Then the same after `--prefill`
// allocations, because each enrolment reads the study's whole log.
//
//   bazel run -c opt //tests/bench:enrolment_bench
#include <cstdio>
#include <filesystem>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/sqlite_db.h"
#include "services/sessions/log/checkpoint_signer.h"
#include "services/sessions/log/event_log.h"
#include "services/sessions/store/sqlite_event_store.h"
#include "services/sessions/trial/trial_log.h"
#include "tests/testing/session_records.h"

ABSL_FLAG(int, enrolments, 500, "enrolments per measurement");
ABSL_FLAG(int, prefill, 5000, "allocations already in the study, second round");

namespace kip {
namespace {

namespace v1 = kip::sessions::v1;
using sessions::testing::MakePatient;
using sessions::testing::MakeStudy;

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          absl::StrCat("kip-enrolment-bench-", getpid(), "-", name))
      .string();
}

struct Log {
  std::unique_ptr<sessions::EventLog> log;
  std::unique_ptr<trial::TrialLog> trial;
};

Log OpenLog(const std::string& path) {
  auto store = sessions::OpenSqliteEventStore(path);
  auto signer = sessions::CheckpointSigner::Generate();
  Log out;
  out.log = std::move(
      *sessions::EventLog::Open(std::move(*store), std::move(*signer)));
  out.trial = std::make_unique<trial::TrialLog>(
      *out.log, *trial::TrialKeys::FromSecret(std::string(32, 'k')));
  return out;
}

// Enrolments per second into `study` (created here), patients from `first`.
double EnrolRate(trial::TrialLog& trial, bool randomised, int first,
                 int count) {
  const absl::Time start = absl::Now();
  for (int i = first; i < first + count; ++i) {
    v1::Patient p = MakePatient("S", absl::StrCat("P", i));
    if (randomised) p.clear_arm_id();
    auto enrolled = trial.Enroll(p, "bench");
    if (!enrolled.ok()) {
      std::fprintf(stderr, "%s\n", enrolled.status().ToString().c_str());
      std::exit(1);
    }
  }
  return count / absl::ToDoubleSeconds(absl::Now() - start);
}

double RawRate(int count) {
  const std::string path = TempPath("raw.db");
  auto db = *SqliteDb::Open(path);
  (void)db->QueryText("PRAGMA journal_mode=WAL");
  (void)db->Exec("PRAGMA synchronous=FULL");
  (void)db->Exec(
      "CREATE TABLE patients (study_id TEXT, patient_id TEXT, site_id TEXT, "
      "record BLOB, PRIMARY KEY (study_id, patient_id))");
  const std::string record = MakePatient("S", "P").SerializeAsString();
  const absl::Time start = absl::Now();
  for (int i = 0; i < count; ++i) {
    auto stmt = *db->Prepare("INSERT INTO patients VALUES ('S', ?, 'a', ?)");
    stmt.Bind(1, absl::StrCat("P", i)).BindBlob(2, record);
    (void)stmt.Run();
  }
  const double rate = count / absl::ToDoubleSeconds(absl::Now() - start);
  std::filesystem::remove(path);
  return rate;
}

v1::Study Study(bool randomised) {
  v1::Study study = MakeStudy("S");
  if (randomised) {
    study.mutable_randomisation()->set_method(v1::PERMUTED_BLOCKS);
    study.mutable_randomisation()->add_factors("site");
    study.set_blinded(true);
  }
  return study;
}

}  // namespace
}  // namespace kip

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int n = absl::GetFlag(FLAGS_enrolments);
  const int prefill = absl::GetFlag(FLAGS_prefill);
  const std::string caller_path = kip::TempPath("caller.db");
  const std::string random_path = kip::TempPath("random.db");
  kip::Log caller = kip::OpenLog(caller_path);
  kip::Log random = kip::OpenLog(random_path);
  (void)caller.trial->CreateStudy(kip::Study(false));
  (void)random.trial->CreateStudy(kip::Study(true));
  const double raw = kip::RawRate(n);
  const double by_caller = kip::EnrolRate(*caller.trial, false, 0, n);
  const double randomised = kip::EnrolRate(*random.trial, true, 0, n);
  (void)kip::EnrolRate(*random.trial, true, n, prefill - n);
  const double late = kip::EnrolRate(*random.trial, true, prefill, n);
  std::printf(
      "enrolments/s on SQLite (WAL, synchronous=FULL), %d each, "
      "same run\n",
      n);
  std::printf("%-52s %9s %9s %7s\n", "", "per s", "baseline", "ratio");
  auto row = [](const char* what, double rate, double base) {
    std::printf("%-52s %9.0f %9.0f %6.0f%%\n", what, rate, base,
                100 * rate / base);
  };
  row("caller-allocated EnrollPatient vs raw INSERT", by_caller, raw);
  row("randomised, blinded vs caller-allocated", randomised, by_caller);
  row("randomised after prefill allocations vs caller", late, by_caller);
  std::printf("(prefill: %d allocations in the study before the last row)\n",
              prefill);
  caller = {};
  random = {};
  for (const std::string& path : {caller_path, random_path}) {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path + suffix);
  }
  return 0;
}
