#include "sdk/kipctl/titration_command.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "sdk/kipctl/args.h"
#include "sdk/kipctl/dosing_args.h"
#include "sdk/kipctl/exit_status.h"

namespace kip::kipctl {
namespace {

namespace v1 = kip::dosing::v1;
using nlohmann::json;

int Invalid(const absl::Status& status) {
  return InvalidInput(std::string(status.message()));
}

// The optional observations, each from its own option.
absl::Status ReadObservations(const Args& args, v1::Observations* obs) {
  using Setter = std::function<void(double)>;
  const std::vector<std::pair<std::string, Setter>> numbers = {
      {"pain-nrs", [&](double v) { obs->set_pain_nrs(v); }},
      {"spo2-percent", [&](double v) { obs->set_spo2_percent(v); }},
      {"respiratory-rate-per-min",
       [&](double v) { obs->set_respiratory_rate_per_min(v); }},
      {"heart-rate-per-min", [&](double v) { obs->set_heart_rate_per_min(v); }},
      {"systolic-bp-mmhg", [&](double v) { obs->set_systolic_bp_mmhg(v); }},
      {"diastolic-bp-mmhg", [&](double v) { obs->set_diastolic_bp_mmhg(v); }},
  };
  for (const auto& [option, setter] : numbers) {
    if (!args.Has(option)) continue;
    absl::StatusOr<double> value = args.Number(option);
    if (!value.ok()) return value.status();
    setter(*value);
  }
  if (args.Has("sedation-score")) {
    absl::StatusOr<double> score = args.Number("sedation-score");
    if (!score.ok()) return score.status();
    if (*score != std::floor(*score) || *score < 0 || *score > 10) {
      return absl::InvalidArgumentError(
          absl::StrCat("--sedation-score: '", args.Get("sedation-score"),
                       "' is not a whole score 0..10"));
    }
    obs->set_sedation_score(static_cast<int>(*score));
  }
  for (const std::string& effect : args.GetAll("side-effect")) {
    obs->add_side_effects(effect);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ProposeTitrationRequest> RequestFromArgs(const Args& args) {
  v1::ProposeTitrationRequest request;
  absl::StatusOr<std::string> protocol = args.Required("protocol");
  if (!protocol.ok()) return protocol.status();
  request.set_protocol_id(*protocol);
  absl::StatusOr<v1::PatientDosingInput> patient = PatientFromArgs(args);
  if (!patient.ok()) return patient.status();
  *request.mutable_patient() = *patient;
  absl::StatusOr<kip::common::v1::CareArea> area = CareAreaFromArgs(args);
  if (!area.ok()) return area.status();
  request.set_care_area(*area);
  absl::StatusOr<double> rate = args.Number("current-rate-mg-per-h");
  if (!rate.ok()) return rate.status();
  request.set_current_rate_mg_per_h(*rate);
  absl::StatusOr<double> conc = args.NumberOr("concentration-mg-per-ml", 0);
  if (!conc.ok()) return conc.status();
  request.set_concentration_mg_per_ml(*conc);
  absl::StatusOr<double> since = args.NumberOr("since-last-change-min", 0);
  if (!since.ok()) return since.status();
  if (*since < 0) {
    return absl::InvalidArgumentError(
        "--since-last-change-min: must not be negative");
  }
  request.mutable_since_last_change()->set_seconds(
      static_cast<int64_t>(*since * 60));
  absl::Status observed =
      ReadObservations(args, request.mutable_observations());
  if (!observed.ok()) return observed;
  return request;
}

void Print(const v1::ProposeTitrationResponse& r, bool as_json) {
  if (as_json) {
    json out = {{"action", v1::TitrationAction_Name(r.action())},
                {"new_rate_mg_per_h", r.new_rate_mg_per_h()},
                {"new_rate_mg_per_kg_per_h", r.new_rate_mg_per_kg_per_h()},
                {"new_rate_ml_per_h", r.new_rate_ml_per_h()},
                {"rule_id", r.rule_id()},
                {"rule_description", r.rule_description()},
                {"next_review_after_s", r.next_review_after().seconds()},
                {"max_rate_mg_per_h", r.max_rate_mg_per_h()},
                {"hard_limit_weight", BoundWeightJson(r.hard_limit_weight())},
                {"library_version", r.library().version()},
                {"library_hash", r.library().content_sha256()}};
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("%s to %.2f mg/h (%.3f mg/kg/h",
              v1::TitrationAction_Name(r.action()).c_str(),
              r.new_rate_mg_per_h(), r.new_rate_mg_per_kg_per_h());
  if (r.new_rate_ml_per_h() > 0)
    std::printf(", %.1f mL/h", r.new_rate_ml_per_h());
  std::printf(")\n  rule %s: %s\n  maximum %.1f mg/h; drug library on %s\n",
              r.rule_id().c_str(), r.rule_description().c_str(),
              r.max_rate_mg_per_h(), r.hard_limit_weight().reason().c_str());
}

}  // namespace

int TitrateCommand(const std::vector<std::string>& argv,
                   kip::DosingClient& client) {
  std::set<std::string> options = PatientOptions();
  options.insert({"protocol", "current-rate-mg-per-h",
                  "concentration-mg-per-ml", "since-last-change-min",
                  "pain-nrs", "sedation-score", "side-effect", "spo2-percent",
                  "respiratory-rate-per-min", "heart-rate-per-min",
                  "systolic-bp-mmhg", "diastolic-bp-mmhg"});
  auto args = Args::Parse(argv, WithGlobalOptions(options), {"json"});
  if (!args.ok()) return Invalid(args.status());
  auto request = RequestFromArgs(*args);
  if (!request.ok()) return Invalid(request.status());
  absl::StatusOr<v1::ProposeTitrationResponse> response_or =
      client.ProposeTitration(*request);
  if (!response_or.ok()) return CallFailed(response_or.status());
  const v1::ProposeTitrationResponse& response = *response_or;
  Print(response, args->Has("json"));
  return 0;
}

}  // namespace kip::kipctl
