// A thin RAII layer over libpq: one connection, parameterized queries with
// absl::Status errors (unique violations -> ALREADY_EXISTS, lost connection ->
// UNAVAILABLE). Not thread-safe; callers own locking.
#ifndef KIP_SERVICES_SESSIONS_STORE_PG_CONN_H_
#define KIP_SERVICES_SESSIONS_STORE_PG_CONN_H_

#include <postgresql/libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kip::sessions {

// A query parameter: text, or binary bytes for BYTEA columns, or NULL.
struct PgParam {
  static PgParam Text(std::string value) {
    return {std::move(value), false, false};
  }
  static PgParam Int(int64_t value) {
    return {std::to_string(value), false, false};
  }
  static PgParam Bytes(std::string value) {
    return {std::move(value), true, false};
  }
  static PgParam Null() { return {"", false, true}; }
  std::string value;
  bool binary = false;
  bool null = false;
};

class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result, &PQclear) {}
  int rows() const { return PQntuples(result_.get()); }
  std::string Text(int row, int column) const;
  int64_t Int(int row, int column) const;
  bool IsNull(int row, int column) const;
  // A BYTEA column in text form, unescaped.
  std::string Bytes(int row, int column) const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

class PgConn {
 public:
  static absl::StatusOr<std::unique_ptr<PgConn>> Connect(
      const std::string& dsn);
  ~PgConn();
  absl::StatusOr<PgResult> Exec(absl::string_view sql,
                                const std::vector<PgParam>& params = {});
  // Runs `sql` (possibly several statements, no parameters).
  absl::Status Run(absl::string_view sql);

 private:
  explicit PgConn(PGconn* conn) : conn_(conn) {}
  PGconn* conn_;
};

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_STORE_PG_CONN_H_
