#include "tests/testing/postgres_server.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "services/sessions/store/pg_conn.h"
#include "tests/testing/free_port.h"

namespace kip::testing {
namespace {

std::string PostgresBinDir() {
  const std::filesystem::path root = "/usr/lib/postgresql";
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return "";
  std::string best;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    const std::string bin = entry.path().string() + "/bin";
    if (std::filesystem::exists(bin + "/initdb")) best = std::max(best, bin);
  }
  return best;
}

// Stops the server this process started, at exit.
struct OwnServer {
  std::string bin, dir, user_prefix;
  ~OwnServer() {
    if (dir.empty()) return;
    const int ignored =
        std::system(absl::StrCat(user_prefix, "'", bin, "/pg_ctl' -D '", dir,
                                 "/data' -m immediate stop >/dev/null 2>&1")
                        .c_str());
    (void)ignored;
    std::filesystem::remove_all(dir);
  }
};

absl::StatusOr<std::string> StartOwnServer() {
  static OwnServer server;
  const std::string bin = PostgresBinDir();
  if (bin.empty()) {
    return absl::FailedPreconditionError(
        "PostgreSQL is not installed: the PostgreSQL conformance suite needs "
        "it (sudo apt-get install -y postgresql; ./kip test does this)");
  }
  char tmpl[] = "/tmp/kip-pg-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
  const std::string dir = tmpl;
  std::string as_user;
  if (geteuid() == 0) {
    if (std::system(absl::StrCat("chown postgres '", dir, "'").c_str()) != 0) {
      return absl::InternalError("chown postgres " + dir + " failed");
    }
    as_user = "runuser -u postgres -- ";
  }
  const int port = FreeLoopbackPort();
  const std::string init =
      absl::StrCat(as_user, "'", bin, "/initdb' -D '", dir,
                   "/data' -A trust -U kip >'", dir, "/initdb.log' 2>&1");
  if (std::system(init.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("initdb failed; see ", dir, "/initdb.log"));
  }
  const std::string start = absl::StrCat(
      as_user, "'", bin, "/pg_ctl' -D '", dir, "/data' -o \"-p ", port, " -k '",
      dir, "' -c listen_addresses=127.0.0.1 -c fsync=on\" -l '", dir,
      "/server.log' -w start >/dev/null 2>&1");
  if (std::system(start.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("pg_ctl start failed; see ", dir, "/server.log"));
  }
  server.bin = bin;
  server.dir = dir;
  server.user_prefix = as_user;
  return absl::StrCat("host=127.0.0.1 port=", port, " user=kip");
}

}  // namespace

absl::StatusOr<std::string> FreshPostgresDatabase() {
  static std::mutex mu;
  static std::string base_dsn;
  static absl::Status start_status;
  static std::atomic<int> counter{0};
  {
    std::lock_guard<std::mutex> lock(mu);
    if (base_dsn.empty() && start_status.ok()) {
      const char* shared = std::getenv("KIP_TEST_POSTGRES_DSN");
      if (shared != nullptr && *shared != '\0') {
        base_dsn = shared;
      } else {
        absl::StatusOr<std::string> own = StartOwnServer();
        if (own.ok()) {
          base_dsn = *own;
        } else {
          start_status = own.status();
        }
      }
    }
    if (!start_status.ok()) return start_status;
  }
  auto admin = kip::sessions::PgConn::Connect(base_dsn + " dbname=postgres");
  if (!admin.ok()) return admin.status();
  const std::string name =
      absl::StrCat("kip_test_", getpid(), "_", counter++, "_", rand() % 100000);
  absl::Status created = (*admin)->Run(absl::StrCat("CREATE DATABASE ", name));
  if (!created.ok()) return created;
  return absl::StrCat(base_dsn, " dbname=", name);
}

}  // namespace kip::testing
