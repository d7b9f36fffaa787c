#include "services/sessions/store/pg_conn.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace kip::sessions {
namespace {

absl::Status ResultError(PGconn* conn, PGresult* result,
                         absl::string_view sql) {
  const char* state =
      result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string message = absl::StrCat("postgres: ", PQerrorMessage(conn),
                                           " [", sql.substr(0, 100), "]");
  const std::string sqlstate = state ? state : "";
  if (PQstatus(conn) != CONNECTION_OK || sqlstate.rfind("08", 0) == 0 ||
      sqlstate == "57P01" || sqlstate == "40001" || sqlstate == "40P01") {
    return absl::UnavailableError(message);
  }
  if (sqlstate == "23505") return absl::AlreadyExistsError(message);
  if (sqlstate.rfind("23", 0) == 0)
    return absl::FailedPreconditionError(message);
  if (sqlstate.rfind("XX", 0) == 0) return absl::DataLossError(message);
  return absl::InternalError(message);
}

}  // namespace

std::string PgResult::Text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     PQgetlength(result_.get(), row, column));
}

int64_t PgResult::Int(int row, int column) const {
  int64_t value = 0;
  (void)absl::SimpleAtoi(Text(row, column), &value);
  return value;
}

bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) == 1;
}

std::string PgResult::Bytes(int row, int column) const {
  size_t size = 0;
  unsigned char* bytes =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(
                          PQgetvalue(result_.get(), row, column)),
                      &size);
  std::string out(reinterpret_cast<const char*>(bytes), size);
  PQfreemem(bytes);
  return out;
}

absl::StatusOr<std::unique_ptr<PgConn>> PgConn::Connect(
    const std::string& dsn) {
  PGconn* conn = PQconnectdb(dsn.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    absl::Status status = absl::UnavailableError(
        absl::StrCat("postgres: cannot connect: ", PQerrorMessage(conn)));
    PQfinish(conn);
    return status;
  }
  return std::unique_ptr<PgConn>(new PgConn(conn));
}

PgConn::~PgConn() { PQfinish(conn_); }

absl::StatusOr<PgResult> PgConn::Exec(absl::string_view sql,
                                      const std::vector<PgParam>& params) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      return absl::UnavailableError(
          absl::StrCat("postgres: connection lost: ", PQerrorMessage(conn_)));
    }
  }
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const PgParam& p : params) {
    values.push_back(p.null ? nullptr : p.value.data());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
  }
  const std::string statement(sql);
  PGresult* result =
      PQexecParams(conn_, statement.c_str(), static_cast<int>(params.size()),
                   nullptr, values.data(), lengths.data(), formats.data(), 0);
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    absl::Status error = ResultError(conn_, result, sql);
    PQclear(result);
    return error;
  }
  return PgResult(result);
}

absl::Status PgConn::Run(absl::string_view sql) {
  const std::string statement(sql);
  PGresult* result = PQexec(conn_, statement.c_str());
  const ExecStatusType status = PQresultStatus(result);
  absl::Status error = absl::OkStatus();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    error = ResultError(conn_, result, sql);
  }
  PQclear(result);
  return error;
}

}  // namespace kip::sessions
