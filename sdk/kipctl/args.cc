#include "sdk/kipctl/args.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kip::kipctl {
namespace {

absl::StatusOr<double> ToNumber(const std::string& option,
                                const std::string& text) {
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", option, ": '", text, "' is not a finite number"));
  }
  return value;
}

}  // namespace

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& argv,
                                 const std::set<std::string>& allowed,
                                 const std::set<std::string>& switches) {
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.size() < 3 || arg.rfind("--", 0) != 0) {
      args.positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    const size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (!allowed.count(name) && !switches.count(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, ": unknown option"));
    }
    if (switches.count(name)) {
      if (inline_value) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, ": takes no value"));
      }
      args.values_[name].push_back("true");
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argv.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, ": needs a value"));
      }
      value = argv[++i];
    }
    args.values_[name].push_back(value);
  }
  return args;
}

std::string Args::Get(const std::string& name,
                      const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

std::vector<std::string> Args::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

absl::StatusOr<std::string> Args::Required(const std::string& name) const {
  if (!Has(name) || Get(name).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": is required"));
  }
  return Get(name);
}

absl::StatusOr<double> Args::Number(const std::string& name) const {
  absl::StatusOr<std::string> text = Required(name);
  if (!text.ok()) return text.status();
  return ToNumber(name, *text);
}

absl::StatusOr<double> Args::NumberOr(const std::string& name,
                                      double fallback) const {
  return Has(name) ? Number(name) : absl::StatusOr<double>(fallback);
}

absl::StatusOr<InfusionArg> ParseInfusion(const std::string& text) {
  const std::vector<std::string> rate_split = absl::StrSplit(text, ':');
  const std::string bad = absl::StrCat(
      "--infusion: '", text, "' is not START_MIN-END_MIN:RATE_MG_PER_H");
  if (rate_split.size() != 2) return absl::InvalidArgumentError(bad);
  const std::vector<std::string> range = absl::StrSplit(rate_split[0], '-');
  InfusionArg infusion{};
  if (range.size() != 2 || !absl::SimpleAtod(range[0], &infusion.start_min) ||
      !absl::SimpleAtod(range[1], &infusion.end_min) ||
      !absl::SimpleAtod(rate_split[1], &infusion.rate_mg_per_h)) {
    return absl::InvalidArgumentError(bad);
  }
  return infusion;
}

absl::StatusOr<std::vector<double>> ParseNumberList(const std::string& option,
                                                    const std::string& text) {
  std::vector<double> values;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    absl::StatusOr<double> value =
        ToNumber(option, std::string(absl::StripAsciiWhitespace(part)));
    if (!value.ok()) return value.status();
    values.push_back(*value);
  }
  return values;
}

}  // namespace kip::kipctl
