#include "sdk/kipctl/study_csv.h"

#include <algorithm>
#include <cmath>
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

const std::vector<std::string> kDichotomous = {
    "events_treatment", "total_treatment", "events_control", "total_control"};
const std::vector<std::string> kContinuous = {"mean_treatment", "sd_treatment",
                                              "n_treatment",    "mean_control",
                                              "sd_control",     "n_control"};
const std::vector<std::string> kGeneric = {"estimate", "se"};

}  // namespace

absl::StatusOr<std::vector<av1::StudyData>> ParseStudyCsv(
    const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  for (std::string& l : lines) absl::StripTrailingAsciiWhitespace(&l);
  size_t header_line = 0;
  while (header_line < lines.size() && lines[header_line].empty())
    ++header_line;
  if (header_line == lines.size())
    return absl::InvalidArgumentError("CSV: empty file");
  std::map<std::string, size_t> column;
  const std::vector<std::string> header = SplitCsvLine(lines[header_line]);
  for (size_t i = 0; i < header.size(); ++i)
    column[absl::AsciiStrToLower(header[i])] = i;
  auto has_all = [&](const std::vector<std::string>& names) {
    for (const auto& n : names) {
      if (!column.count(n)) return false;
    }
    return true;
  };
  const std::vector<std::string>* kind = has_all(kDichotomous)  ? &kDichotomous
                                         : has_all(kContinuous) ? &kContinuous
                                         : has_all(kGeneric)    ? &kGeneric
                                                                : nullptr;
  if (!column.count("study") || kind == nullptr) {
    return absl::InvalidArgumentError(
        "CSV header: needs study plus "
        "events_treatment,total_treatment,events_control,"
        "total_control (dichotomous), or "
        "mean_treatment,sd_treatment,n_treatment,"
        "mean_control,sd_control,n_control (continuous), or estimate,se "
        "(generic)");
  }
  std::vector<av1::StudyData> studies;
  for (size_t l = header_line + 1; l < lines.size(); ++l) {
    if (lines[l].empty()) continue;
    const std::vector<std::string> cells = SplitCsvLine(lines[l]);
    const size_t row = l + 1;  // 1-based line number, header included
    auto cell = [&](const std::string& name) -> std::string {
      auto it = column.find(name);
      return it != column.end() && it->second < cells.size() ? cells[it->second]
                                                             : "";
    };
    std::map<std::string, double> v;
    for (const std::string& name : *kind) {
      double value = 0;
      if (!absl::SimpleAtod(cell(name), &value) || !std::isfinite(value)) {
        return absl::InvalidArgumentError(
            absl::StrCat("CSV row ", row, ", column ", name, ": '", cell(name),
                         "' is not a number"));
      }
      v[name] = value;
    }
    auto bad = [&](const std::string& name, const std::string& why) {
      return absl::InvalidArgumentError(absl::StrCat(
          "CSV row ", row, ", column ", name, ": ", v[name], " ", why));
    };
    auto whole = [](double x) { return x == std::floor(x); };
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
    if (kind == &kDichotomous) {
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
    } else if (kind == &kContinuous) {
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
    } else {
      if (v["se"] <= 0) return bad("se", "must be > 0");
      study.mutable_generic()->set_estimate(v["estimate"]);
      study.mutable_generic()->set_se(v["se"]);
    }
    // Every other column is a study-level value (a moderator), kept as text.
    for (const auto& [name, index] : column) {
      if (name == "study" || name == "subgroup" || name == "year" ||
          std::find(kind->begin(), kind->end(), name) != kind->end()) {
        continue;
      }
      (*study.mutable_factors())[name] =
          index < cells.size() ? cells[index] : "";
    }
    studies.push_back(std::move(study));
  }
  if (studies.empty()) return absl::InvalidArgumentError("CSV: no study rows");
  return studies;
}

}  // namespace kip::kipctl
