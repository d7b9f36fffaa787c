// What the CSV and SDTM exporters share: RFC 4180 cells, ISO times, and a
// builder of tables in a stable order. Internal to study_export.
#ifndef KIP_SERVICES_SESSIONS_LOG_EXPORT_TABLES_H_
#define KIP_SERVICES_SESSIONS_LOG_EXPORT_TABLES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "services/sessions/log/study_export.h"
#include "services/sessions/store/row_codec.h"

namespace kip::sessions::export_internal {

inline std::string Cell(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  return absl::StrCat("\"", absl::StrReplaceAll(value, {{"\"", "\"\""}}), "\"");
}

inline std::string Num(double value) { return absl::StrCat(value); }

inline std::string IsoTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}
inline std::string IsoTime(const google::protobuf::Timestamp& ts) {
  return IsoTime(ToAbslTime(ts));
}

// Tables in a stable order; rows appended as vectors of cells.
class Tables {
 public:
  void Row(const std::string& table, const std::vector<std::string>& header,
           const std::vector<std::string>& cells) {
    AppendLine(Declare(table, header), cells);
  }
  // The table with its header, rows or not.
  std::string& Declare(const std::string& table,
                       const std::vector<std::string>& header) {
    auto [it, added] = tables_.try_emplace(table);
    if (added) {
      order_.push_back(table);
      AppendLine(it->second, header);
    }
    return it->second;
  }
  std::vector<ExportTable> Take() {
    std::vector<ExportTable> out;
    for (const std::string& name : order_) {
      out.push_back({name, std::move(tables_[name])});
    }
    return out;
  }

 private:
  static void AppendLine(std::string& csv,
                         const std::vector<std::string>& cells) {
    std::vector<std::string> escaped;
    for (const std::string& cell : cells) escaped.push_back(Cell(cell));
    absl::StrAppend(&csv, absl::StrJoin(escaped, ","), "\r\n");
  }
  std::vector<std::string> order_;
  std::map<std::string, std::string> tables_;
};

inline const char* TimepointName(v1::PainTimepoint t) {
  switch (t) {
    case v1::BASELINE:
      return "BASELINE";
    case v1::DURING:
      return "DURING";
    case v1::END:
      return "END";
    case v1::FOLLOW_UP:
      return "FOLLOW-UP";
    default:
      return "";
  }
}

inline std::string Visit(v1::PainTimepoint t, int follow_up_day) {
  return t == v1::FOLLOW_UP ? absl::StrCat("FOLLOW-UP DAY ", follow_up_day)
                            : TimepointName(t);
}

inline std::string Usubjid(const v1::Patient& p) {
  return absl::StrCat(p.study_id(), "-", p.patient_id());
}

// "DEATH;HOSPITALISATION": a side effect's seriousness criteria.
inline std::string SeriousnessCriteria(const v1::SideEffect& x) {
  std::string out;
  for (int c : x.seriousness_criteria()) {
    if (!out.empty()) out += ";";
    out +=
        v1::SeriousnessCriterion_Name(static_cast<v1::SeriousnessCriterion>(c));
  }
  return out;
}

// A signature where its records are exported (21 CFR 11.50(b)): who (printed
// name), when, what it means, and how many records it signs.
inline void SignatureRow(Tables& tables, const v1::Study& study,
                         const v1::Patient& patient,
                         const std::string& session_id, const v1::Event& e) {
  const v1::Signature& x = e.signature();
  tables.Row(
      "signatures",
      {"study_id", "patient_id", "session_id", "signature_id", "printed_name",
       "meaning", "signed_time", "scope", "signed_records", "event_id"},
      {study.id(), patient.patient_id(), session_id, x.signature_id(),
       x.printed_name(), v1::SignatureMeaning_Name(x.meaning()),
       IsoTime(x.signed_time()), x.scope(), absl::StrCat(x.records_size()),
       e.event_id()});
}

}  // namespace kip::sessions::export_internal

#endif  // KIP_SERVICES_SESSIONS_LOG_EXPORT_TABLES_H_
