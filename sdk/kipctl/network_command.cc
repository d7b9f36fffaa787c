#include "sdk/kipctl/network_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/file_util.h"
#include "sdk/kipctl/analytics_args.h"
#include "sdk/kipctl/args.h"
#include "sdk/kipctl/dosing_commands.h"
#include "sdk/kipctl/exit_status.h"
#include "sdk/kipctl/study_csv.h"

namespace kip::kipctl {
namespace {

namespace av1 = kip::analytics::v1;
using nlohmann::json;

absl::StatusOr<av1::RunNetworkMetaAnalysisRequest> BuildRequest(
    const Args& args) {
  absl::StatusOr<std::string> path = args.Required("data");
  if (!path.ok()) return path.status();
  absl::StatusOr<std::string> text = ReadFileToString(*path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--data: ", text.status().message()));
  }
  absl::StatusOr<std::vector<av1::NetworkArmData>> arms = ParseArmCsv(*text);
  if (!arms.ok()) return arms.status();
  av1::RunNetworkMetaAnalysisRequest request;
  for (auto& arm : *arms) *request.add_arms() = std::move(arm);
  absl::StatusOr<std::string> measure_name = args.Required("measure");
  if (!measure_name.ok()) return measure_name.status();
  absl::StatusOr<av1::EffectMeasure> measure = ParseMeasure(*measure_name);
  if (!measure.ok()) return measure.status();
  request.set_measure(*measure);
  absl::StatusOr<av1::Tau2Estimator> tau2 = ParseTau2(args.Get("tau2", "REML"));
  if (!tau2.ok()) return tau2.status();
  request.set_tau2_estimator(*tau2);
  const std::string model = absl::AsciiStrToLower(args.Get("model", "random"));
  if (model != "fixed" && model != "random") {
    return absl::InvalidArgumentError("--model: '" + args.Get("model") +
                                      "' is not fixed or random");
  }
  request.set_model(model == "fixed" ? av1::FIXED_EFFECT : av1::RANDOM_EFFECTS);
  request.set_reference(args.Get("reference", ""));
  request.set_larger_is_better(args.Has("larger-is-better"));
  request.set_league_svg(args.Has("league"));
  request.set_graph_svg(args.Has("graph"));
  return request;
}

json ResultJson(const av1::RunNetworkMetaAnalysisResponse& r) {
  json out = {{"measure", av1::EffectMeasure_Name(r.measure())},
              {"reference", r.reference()},
              {"treatments", r.treatments()},
              {"studies", r.studies()},
              {"designs", r.designs()},
              {"tau2", JsonNumber(r.tau2())},
              {"q", JsonNumber(r.qe())},
              {"q_df", r.qe_df()},
              {"q_p_value", JsonNumber(r.qe_p_value())},
              {"effects", json::array()},
              {"ranking", json::array()}};
  for (const auto& e : r.effects()) {
    out["effects"].push_back({{"treatment_a", e.treatment_a()},
                              {"treatment_b", e.treatment_b()},
                              {"estimate", JsonNumber(e.estimate())},
                              {"ci_lower", JsonNumber(e.ci_lower())},
                              {"ci_upper", JsonNumber(e.ci_upper())},
                              {"se", JsonNumber(e.se())}});
  }
  for (const auto& rank : r.ranking()) {
    out["ranking"].push_back({{"treatment", rank.treatment()},
                              {"p_score", JsonNumber(rank.p_score())}});
  }
  const av1::InconsistencyTest& t = r.inconsistency();
  out["inconsistency"] =
      t.testable() ? json{{"q", JsonNumber(t.q())},
                          {"df", t.df()},
                          {"p_value", JsonNumber(t.p_value())},
                          {"tau2", JsonNumber(t.tau2())},
                          {"method", t.method()}}
                   : json{{"q", nullptr},
                          {"df", 0},
                          {"p_value", nullptr},
                          {"method", "not testable: no loop of evidence"}};
  return out;
}

void PrintTable(const av1::RunNetworkMetaAnalysisResponse& r) {
  std::printf(
      "Network meta-analysis: %d studies, %d treatments, %d designs; "
      "%s versus %s; tau2 = %.4f; Q = %.2f, df = %d (p = %.4g)\n",
      r.studies(), r.treatments_size(), r.designs(),
      av1::EffectMeasure_Name(r.measure()).c_str(), r.reference().c_str(),
      r.tau2(), r.qe(), r.qe_df(), r.qe_p_value());
  std::printf("%-22s %-22s %10s %22s\n", "treatment a", "versus b", "estimate",
              "95% CI");
  for (const auto& e : r.effects()) {
    std::printf("%-22.22s %-22.22s %10.4f   [%8.4f, %8.4f]\n",
                e.treatment_a().c_str(), e.treatment_b().c_str(), e.estimate(),
                e.ci_lower(), e.ci_upper());
  }
  std::printf("Ranking (P-score):");
  for (const auto& rank : r.ranking())
    std::printf(" %s %.3f;", rank.treatment().c_str(), rank.p_score());
  const av1::InconsistencyTest& t = r.inconsistency();
  if (t.testable()) {
    std::printf("\nInconsistency (%s): Q = %.3f, df = %d, p = %.4g\n",
                t.method().c_str(), t.q(), t.df(), t.p_value());
  } else {
    std::printf("\nInconsistency: not testable (no loop of evidence)\n");
  }
}

absl::Status Write(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return out ? absl::OkStatus()
             : absl::InvalidArgumentError("cannot write " + path);
}

}  // namespace

int NetworkMetaAnalysis(const std::vector<std::string>& argv,
                        kip::AnalyticsClient& client) {
  auto args = Args::Parse(argv,
                          WithGlobalOptions({"data", "measure", "tau2", "model",
                                             "reference", "league", "graph"}),
                          {"json", "larger-is-better"});
  if (!args.ok()) return InvalidInput(std::string(args.status().message()));
  absl::StatusOr<av1::RunNetworkMetaAnalysisRequest> request =
      BuildRequest(*args);
  if (!request.ok())
    return InvalidInput(std::string(request.status().message()));
  kip::CallOptions call;
  call.timeout = absl::Seconds(120);
  absl::StatusOr<av1::RunNetworkMetaAnalysisResponse> result =
      client.RunNetworkMetaAnalysis(*request, call);
  if (!result.ok()) return CallFailed(result.status());
  for (const auto& [flag, svg] :
       {std::make_pair("league", &result->league_svg()),
        std::make_pair("graph", &result->graph_svg())}) {
    if (!args->Has(flag)) continue;
    if (absl::Status s = Write(args->Get(flag), *svg); !s.ok())
      return InvalidInput(absl::StrCat("--", flag, ": ", s.message()));
  }
  if (args->Has("json")) {
    std::cout << ResultJson(*result).dump(2) << "\n";
  } else {
    PrintTable(*result);
  }
  return 0;
}

}  // namespace kip::kipctl
