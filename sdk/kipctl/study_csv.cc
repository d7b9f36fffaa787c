#include "sdk/kipctl/study_csv.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kip::kipctl {
namespace {

namespace av1 = kip::analytics::v1;

// Splits one CSV line (RFC 4180 quotes).
std::vector<std::string> SplitCsvLine(absl::string_view line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  for (std::string& cell : cells)
    cell = std::string(absl::StripAsciiWhitespace(cell));
  return cells;
}

// A CSV file: its header's columns (lower-cased name -> index) and its
// non-empty rows with their 1-based line numbers (header included).
struct CsvTable {
  struct Row {
    size_t number;
    std::vector<std::string> cells;
  };
  std::map<std::string, size_t> column;
  std::vector<Row> rows;
};

absl::StatusOr<CsvTable> ReadCsvTable(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  for (std::string& l : lines) absl::StripTrailingAsciiWhitespace(&l);
  size_t header_line = 0;
  while (header_line < lines.size() && lines[header_line].empty())
    ++header_line;
  if (header_line == lines.size())
    return absl::InvalidArgumentError("CSV: empty file");
  CsvTable table;
  const std::vector<std::string> header = SplitCsvLine(lines[header_line]);
  for (size_t i = 0; i < header.size(); ++i)
    table.column[absl::AsciiStrToLower(header[i])] = i;
  for (size_t l = header_line + 1; l < lines.size(); ++l) {
    if (!lines[l].empty())
      table.rows.push_back({l + 1, SplitCsvLine(lines[l])});
  }
  return table;
}

// One kind of row: the columns it needs (the first marks it), the optional
// ones it may use, and how it fills the study.
struct RowKind {
  const char* name;
  std::vector<std::string> required;
  std::vector<std::string> optional;
};

const std::vector<RowKind>& Kinds() {
  static const auto* const kKinds = new std::vector<RowKind>{
      {"dichotomous",
       {"events_treatment", "total_treatment", "events_control",
        "total_control"},
       {}},
      {"median",
       {"median_treatment", "n_treatment", "median_control", "n_control"},
       {"q1_treatment", "q3_treatment", "min_treatment", "max_treatment",
        "q1_control", "q3_control", "min_control", "max_control"}},
      {"change",
       {"mean_baseline_treatment", "sd_baseline_treatment",
        "mean_final_treatment", "sd_final_treatment", "n_treatment",
        "mean_baseline_control", "sd_baseline_control", "mean_final_control",
        "sd_final_control", "n_control", "correlation"},
       {}},
      {"paired",
       {"n", "mean_treatment", "sd_treatment", "mean_control", "sd_control",
        "correlation"},
       {}},
      {"continuous",
       {"mean_treatment", "sd_treatment", "n_treatment", "mean_control",
        "sd_control", "n_control"},
       {}},
      {"interval", {"estimate", "ci_lower", "ci_upper"}, {"ci_level"}},
      {"generic", {"estimate", "se"}, {}},
  };
  return *kKinds;
}

// Fills `study` from the row's numbers `v` (every required column, and the
// optional ones present); checks what the server would only name by field.
absl::Status FillStudy(
    const RowKind& kind, std::map<std::string, double>& v,
    const std::function<absl::Status(const std::string&, const std::string&)>&
        bad,
    av1::StudyData& study) {
  auto whole = [](double x) { return x == std::floor(x); };
  const std::string name = kind.name;
  if (name == "dichotomous") {
    for (const char* arm : {"treatment", "control"}) {
      const std::string events = absl::StrCat("events_", arm),
                        total = absl::StrCat("total_", arm);
      if (!whole(v[total]) || v[total] < 1)
        return bad(total, "must be a whole number >= 1");
      if (!whole(v[events]) || v[events] < 0)
        return bad(events, "must be a whole number >= 0");
      if (v[events] > v[total])
        return bad(events, absl::StrCat("exceeds ", total, " ", v[total]));
    }
    auto* d = study.mutable_dichotomous();
    d->set_events_treatment(v["events_treatment"]);
    d->set_total_treatment(v["total_treatment"]);
    d->set_events_control(v["events_control"]);
    d->set_total_control(v["total_control"]);
  } else if (name == "continuous") {
    for (const char* arm : {"treatment", "control"}) {
      const std::string sd = absl::StrCat("sd_", arm),
                        n = absl::StrCat("n_", arm);
      if (v[sd] <= 0) return bad(sd, "must be > 0");
      if (!whole(v[n]) || v[n] < 2)
        return bad(n, "must be a whole number >= 2");
    }
    auto* c = study.mutable_continuous();
    c->set_mean_treatment(v["mean_treatment"]);
    c->set_sd_treatment(v["sd_treatment"]);
    c->set_n_treatment(v["n_treatment"]);
    c->set_mean_control(v["mean_control"]);
    c->set_sd_control(v["sd_control"]);
    c->set_n_control(v["n_control"]);
  } else if (name == "median") {
    for (const char* arm : {"treatment", "control"}) {
      av1::ArmMedian* a = std::string(arm) == "treatment"
                              ? study.mutable_median()->mutable_treatment()
                              : study.mutable_median()->mutable_control();
      a->set_n(v[absl::StrCat("n_", arm)]);
      a->set_median(v[absl::StrCat("median_", arm)]);
      if (v.count(absl::StrCat("q1_", arm)))
        a->set_q1(v[absl::StrCat("q1_", arm)]);
      if (v.count(absl::StrCat("q3_", arm)))
        a->set_q3(v[absl::StrCat("q3_", arm)]);
      if (v.count(absl::StrCat("min_", arm)))
        a->set_min(v[absl::StrCat("min_", arm)]);
      if (v.count(absl::StrCat("max_", arm)))
        a->set_max(v[absl::StrCat("max_", arm)]);
    }
  } else if (name == "change") {
    for (const char* arm : {"treatment", "control"}) {
      av1::ArmChange* a = std::string(arm) == "treatment"
                              ? study.mutable_change()->mutable_treatment()
                              : study.mutable_change()->mutable_control();
      a->set_n(v[absl::StrCat("n_", arm)]);
      a->set_mean_baseline(v[absl::StrCat("mean_baseline_", arm)]);
      a->set_sd_baseline(v[absl::StrCat("sd_baseline_", arm)]);
      a->set_mean_final(v[absl::StrCat("mean_final_", arm)]);
      a->set_sd_final(v[absl::StrCat("sd_final_", arm)]);
      a->set_correlation(v["correlation"]);
    }
  } else if (name == "paired") {
    auto* p = study.mutable_paired();
    p->set_n(v["n"]);
    p->set_mean_treatment(v["mean_treatment"]);
    p->set_sd_treatment(v["sd_treatment"]);
    p->set_mean_control(v["mean_control"]);
    p->set_sd_control(v["sd_control"]);
    p->set_correlation(v["correlation"]);
  } else if (name == "interval") {
    auto* i = study.mutable_interval();
    i->set_estimate(v["estimate"]);
    i->set_ci_lower(v["ci_lower"]);
    i->set_ci_upper(v["ci_upper"]);
    if (v.count("ci_level")) i->set_confidence_level(v["ci_level"]);
  } else {
    if (v["se"] <= 0) return bad("se", "must be > 0");
    study.mutable_generic()->set_estimate(v["estimate"]);
    study.mutable_generic()->set_se(v["se"]);
  }
  return absl::OkStatus();
}

bool IsDataColumn(const std::string& name) {
  if (name == "study" || name == "subgroup" || name == "year") return true;
  for (const RowKind& kind : Kinds()) {
    for (const auto* list : {&kind.required, &kind.optional}) {
      if (std::find(list->begin(), list->end(), name) != list->end())
        return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<av1::StudyData>> ParseStudyCsv(
    const std::string& text) {
  absl::StatusOr<CsvTable> table = ReadCsvTable(text);
  if (!table.ok()) return table.status();
  const std::map<std::string, size_t>& column = table->column;
  std::vector<const RowKind*> kinds;  // those whose columns the header has
  for (const RowKind& kind : Kinds()) {
    bool all = true;
    for (const std::string& c : kind.required) all = all && column.count(c);
    if (all) kinds.push_back(&kind);
  }
  if (!column.count("study") || kinds.empty()) {
    return absl::InvalidArgumentError(
        "CSV header: needs study plus the columns of one kind of data "
        "(kipctl analytics meta --help lists them): dichotomous "
        "events_treatment,total_treatment,events_control,total_control; "
        "continuous mean_treatment,sd_treatment,n_treatment,mean_control,"
        "sd_control,n_control; generic estimate,se; and medians, change "
        "scores, crossover pairs or confidence intervals");
  }
  std::vector<av1::StudyData> studies;
  for (const CsvTable::Row& line : table->rows) {
    const std::vector<std::string>& cells = line.cells;
    const size_t row = line.number;
    auto cell = [&](const std::string& name) -> std::string {
      auto it = column.find(name);
      return it != column.end() && it->second < cells.size() ? cells[it->second]
                                                             : "";
    };
    // The row's kind: the first whose required columns are all filled.
    const RowKind* kind = nullptr;
    for (const RowKind* k : kinds) {
      bool filled = true;
      for (const std::string& c : k->required)
        filled = filled && !cell(c).empty();
      if (filled) {
        kind = k;
        break;
      }
    }
    if (kind == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "CSV row ", row, ": no kind of data has all its columns filled"));
    }
    std::map<std::string, double> v;
    for (const auto* list : {&kind->required, &kind->optional}) {
      for (const std::string& name : *list) {
        if (list == &kind->optional && cell(name).empty()) continue;
        double value = 0;
        if (!absl::SimpleAtod(cell(name), &value) || !std::isfinite(value)) {
          return absl::InvalidArgumentError(
              absl::StrCat("CSV row ", row, ", column ", name, ": '",
                           cell(name), "' is not a number"));
        }
        v[name] = value;
      }
    }
    const auto bad = [&](const std::string& name, const std::string& why) {
      return absl::InvalidArgumentError(absl::StrCat(
          "CSV row ", row, ", column ", name, ": ", v[name], " ", why));
    };
    av1::StudyData study;
    study.set_study(cell("study"));
    if (study.study().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("CSV row ", row, ", column study: is empty"));
    }
    study.set_subgroup(cell("subgroup"));
    if (!cell("year").empty()) {
      int year = 0;
      if (!absl::SimpleAtoi(cell("year"), &year)) {
        return absl::InvalidArgumentError(
            absl::StrCat("CSV row ", row, ", column year: '", cell("year"),
                         "' is not a year"));
      }
      study.set_year(year);
    }
    if (absl::Status s = FillStudy(*kind, v, bad, study); !s.ok()) return s;
    // Every other column is a study-level value (a moderator), kept as text.
    for (const auto& [name, index] : column) {
      if (IsDataColumn(name)) continue;
      (*study.mutable_factors())[name] =
          index < cells.size() ? cells[index] : "";
    }
    studies.push_back(std::move(study));
  }
  if (studies.empty()) return absl::InvalidArgumentError("CSV: no study rows");
  return studies;
}

absl::StatusOr<std::vector<av1::NetworkArmData>> ParseArmCsv(
    const std::string& text) {
  absl::StatusOr<CsvTable> table = ReadCsvTable(text);
  if (!table.ok()) return table.status();
  const std::map<std::string, size_t>& column = table->column;
  const bool binary = column.count("events") && column.count("total");
  const bool continuous =
      column.count("mean") && column.count("sd") && column.count("n");
  if (!column.count("study") || !column.count("treatment") ||
      (!binary && !continuous)) {
    return absl::InvalidArgumentError(
        "CSV header: needs study,treatment plus events,total or mean,sd,n");
  }
  std::vector<av1::NetworkArmData> arms;
  for (const CsvTable::Row& line : table->rows) {
    const std::vector<std::string>& cells = line.cells;
    const size_t row = line.number;
    auto cell = [&](const std::string& name) -> std::string {
      const size_t at = column.at(name);
      return at < cells.size() ? cells[at] : "";
    };
    auto number = [&](const std::string& name) -> absl::StatusOr<double> {
      double value = 0;
      if (!absl::SimpleAtod(cell(name), &value) || !std::isfinite(value)) {
        return absl::InvalidArgumentError(
            absl::StrCat("CSV row ", row, ", column ", name, ": '", cell(name),
                         "' is not a number"));
      }
      return value;
    };
    av1::NetworkArmData arm;
    arm.set_study(cell("study"));
    arm.set_treatment(cell("treatment"));
    for (const char* name : {"study", "treatment"}) {
      if (cell(name).empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("CSV row ", row, ", column ", name, ": is empty"));
      }
    }
    if (binary) {
      absl::StatusOr<double> events = number("events"), total = number("total");
      if (!events.ok()) return events.status();
      if (!total.ok()) return total.status();
      arm.mutable_events()->set_events(static_cast<int64_t>(*events));
      arm.mutable_events()->set_total(static_cast<int64_t>(*total));
    } else {
      absl::StatusOr<double> mean = number("mean"), sd = number("sd"),
                             n = number("n");
      for (const auto* v : {&mean, &sd, &n})
        if (!v->ok()) return v->status();
      arm.mutable_continuous()->set_mean(*mean);
      arm.mutable_continuous()->set_sd(*sd);
      arm.mutable_continuous()->set_n(static_cast<int64_t>(*n));
    }
    arms.push_back(std::move(arm));
  }
  if (arms.empty()) return absl::InvalidArgumentError("CSV: no arm rows");
  return arms;
}

}  // namespace kip::kipctl
