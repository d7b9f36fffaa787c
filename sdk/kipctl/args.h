// kipctl's command-line parsing: `--name value`, `--name=value`, repeatable
// options and bare switches, with the dashed names of the kipctl contract
// (absl flags cannot spell them). Errors are one line naming the option.
#ifndef KIP_SDK_KIPCTL_ARGS_H_
#define KIP_SDK_KIPCTL_ARGS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kip::kipctl {

class Args {
 public:
  // `switches` take no value (e.g. "json"); every other option takes one.
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& argv,
                                    const std::set<std::string>& allowed,
                                    const std::set<std::string>& switches);

  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  // The last value given, or `fallback`.
  std::string Get(const std::string& name,
                  const std::string& fallback = "") const;
  std::vector<std::string> GetAll(const std::string& name) const;
  absl::StatusOr<std::string> Required(const std::string& name) const;
  // A finite number; the error names the option.
  absl::StatusOr<double> Number(const std::string& name) const;
  absl::StatusOr<double> NumberOr(const std::string& name,
                                  double fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

// "0-240:24.5" -> {0, 240, 24.5}.
struct InfusionArg {
  double start_min, end_min, rate_mg_per_h;
};
absl::StatusOr<InfusionArg> ParseInfusion(const std::string& text);
// "30,60,120" -> {30, 60, 120}.
absl::StatusOr<std::vector<double>> ParseNumberList(const std::string& option,
                                                    const std::string& text);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_ARGS_H_
