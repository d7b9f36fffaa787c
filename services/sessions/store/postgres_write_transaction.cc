#include "services/sessions/store/postgres_write_transaction.h"

#include <map>

#include "absl/strings/str_cat.h"

namespace kip::sessions {

absl::StatusOr<v1::InfusionSession> PgSessionAt(const PgResult& r, int row) {
  KIP_ASSIGN_OR_RETURN(
      session, ParseRecord<v1::InfusionSession>(r.Bytes(row, 0), "session"));
  session.set_event_count(r.Int(row, 1));
  session.set_head_hash_hex(r.Text(row, 2));
  if (!r.IsNull(row, 3))
    *session.mutable_end_time() = MicrosToTimestamp(r.Int(row, 3));
  return session;
}

StoredEventRow PgEventAt(const PgResult& r, int row) {
  return StoredEventRow{r.Int(row, 0), r.Int(row, 1), r.Text(row, 2),
                        r.Text(row, 3), r.Bytes(row, 4)};
}

absl::StatusOr<std::optional<v1::InfusionSession>> FindPgSession(
    PgConn& conn, const std::string& session_id) {
  KIP_ASSIGN_OR_RETURN(
      r, conn.Exec(absl::StrCat("SELECT ", kPgSessionColumns,
                                " FROM sessions WHERE session_id = $1"),
                   {PgParam::Text(session_id)}));
  if (r.rows() == 0) return std::nullopt;
  KIP_ASSIGN_OR_RETURN(session, PgSessionAt(r, 0));
  return session;
}

namespace {

using Params = std::vector<PgParam>;

// Advisory lock key of the global log's next index.
constexpr int64_t kLogIndexLock = 0x6b69700002;

class PgWriteTransaction final : public WriteTransaction {
 public:
  explicit PgWriteTransaction(PgConn& conn) : conn_(conn) {}

  absl::StatusOr<std::optional<EventRecordRow>> FindEvent(
      const std::string& event_id) override {
    KIP_ASSIGN_OR_RETURN(
        r,
        conn_.Exec(absl::StrCat(
                       "SELECT ", kPgEventColumns,
                       ", content_digest_hex FROM events WHERE event_id = $1"),
                   {PgParam::Text(event_id)}));
    if (r.rows() == 0) return std::nullopt;
    return EventRecordRow{PgEventAt(r, 0), r.Text(0, 5)};
  }

  absl::StatusOr<std::map<std::string, EventRecordRow>> FindEvents(
      const std::vector<std::string>& event_ids) override {
    // A text[] literal; ids are quoted and their quotes and backslashes
    // escaped.
    std::string array = "{";
    for (size_t i = 0; i < event_ids.size(); ++i) {
      std::string quoted;
      for (char c : event_ids[i]) {
        if (c == '"' || c == '\\') quoted.push_back('\\');
        quoted.push_back(c);
      }
      absl::StrAppend(&array, i ? "," : "", "\"", quoted, "\"");
    }
    array += "}";
    KIP_ASSIGN_OR_RETURN(
        r, conn_.Exec(
               absl::StrCat("SELECT ", kPgEventColumns,
                            ", content_digest_hex FROM events WHERE event_id = "
                            "ANY($1::text[])"),
               {PgParam::Text(array)}));
    std::map<std::string, EventRecordRow> found;
    for (int i = 0; i < r.rows(); ++i) {
      EventRecordRow row{PgEventAt(r, i), r.Text(i, 5)};
      found.emplace(row.row.event_id, std::move(row));
    }
    return found;
  }

  absl::Status InsertEvents(const std::vector<NewEvent>& events) override {
    if (events.empty()) return absl::OkStatus();
    std::string sql =
        "INSERT INTO events (global_index, event_id, session_id, "
        "session_sequence, "
        "device_us, content_digest_hex, hash_hex, record) VALUES ";
    Params params;
    params.reserve(events.size() * 8);
    for (size_t i = 0; i < events.size(); ++i) {
      const v1::Event& event = *events[i].event;
      const size_t p = i * 8;
      absl::StrAppend(&sql, i ? "," : "", "($", p + 1, ",$", p + 2, ",$", p + 3,
                      ",$", p + 4, ",$", p + 5, ",$", p + 6, ",$", p + 7, ",$",
                      p + 8, ")");
      params.push_back(PgParam::Int(event.global_index()));
      params.push_back(PgParam::Text(event.event_id()));
      params.push_back(PgParam::Text(event.session_id()));
      params.push_back(PgParam::Int(event.session_sequence()));
      params.push_back(PgParam::Int(TimestampMicros(event.device_time())));
      params.push_back(PgParam::Text(events[i].content_digest_hex));
      params.push_back(PgParam::Text(event.hash_hex()));
      params.push_back(PgParam::Bytes(events[i].record));
    }
    return conn_.Exec(sql, params).status();
  }

  absl::StatusOr<std::optional<v1::InfusionSession>> FindSession(
      const std::string& session_id) override {
    return FindPgSession(conn_, session_id);
  }

  absl::StatusOr<int64_t> NextGlobalIndex() override {
    KIP_RETURN_IF_ERROR(conn_
                            .Exec("SELECT pg_advisory_xact_lock($1)",
                                  {PgParam::Int(kLogIndexLock)})
                            .status());
    KIP_ASSIGN_OR_RETURN(
        r, conn_.Exec("SELECT COALESCE(MAX(global_index) + 1, 0) FROM events"));
    return r.Int(0, 0);
  }

  absl::Status InsertEvent(const v1::Event& event, const std::string& digest,
                           const std::string& record) override {
    return conn_
        .Exec(
            "INSERT INTO events (global_index, event_id, session_id, "
            "session_sequence, device_us, content_digest_hex, hash_hex, "
            "record) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            {PgParam::Int(event.global_index()),
             PgParam::Text(event.event_id()), PgParam::Text(event.session_id()),
             PgParam::Int(event.session_sequence()),
             PgParam::Int(TimestampMicros(event.device_time())),
             PgParam::Text(digest), PgParam::Text(event.hash_hex()),
             PgParam::Bytes(record)})
        .status();
  }

  absl::Status UpdateSessionHead(const std::string& session_id,
                                 int64_t event_count,
                                 const std::string& head_hash_hex,
                                 std::optional<absl::Time> end_time) override {
    return conn_
        .Exec(
            "UPDATE sessions SET event_count = $1, head_hash_hex = $2, "
            "end_us = COALESCE($3::BIGINT, end_us) WHERE session_id = $4",
            {PgParam::Int(event_count), PgParam::Text(head_hash_hex),
             end_time ? PgParam::Int(absl::ToUnixMicros(*end_time))
                      : PgParam::Null(),
             PgParam::Text(session_id)})
        .status();
  }

  absl::Status Savepoint() override { return conn_.Run("SAVEPOINT batch"); }
  absl::Status ReleaseSavepoint() override {
    return conn_.Run("RELEASE SAVEPOINT batch");
  }
  absl::Status RollbackToSavepoint() override {
    KIP_RETURN_IF_ERROR(conn_.Run("ROLLBACK TO SAVEPOINT batch"));
    return conn_.Run("RELEASE SAVEPOINT batch");
  }

 private:
  PgConn& conn_;
};

}  // namespace

std::unique_ptr<WriteTransaction> NewPgWriteTransaction(PgConn& conn) {
  return std::make_unique<PgWriteTransaction>(conn);
}

}  // namespace kip::sessions
