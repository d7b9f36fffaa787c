#include "sdk/kipctl/analytics_commands.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/file_util.h"
#include "kip/analytics/v1/analytics.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "sdk/kipctl/analytics_args.h"
#include "sdk/kipctl/args.h"
#include "sdk/kipctl/exit_status.h"
#include "sdk/kipctl/meta_sensitivity.h"
#include "sdk/kipctl/metareg_command.h"
#include "sdk/kipctl/network_command.h"
#include "sdk/kipctl/proto_json.h"
#include "sdk/kipctl/study_csv.h"

namespace kip::kipctl {
namespace {

namespace av1 = kip::analytics::v1;
using nlohmann::json;

// A JSON number, or null for NaN (no prediction interval with k < 3).
json Number(double value) { return JsonNumber(value); }

json PooledJson(const av1::PooledResult& r) {
  return {{"k", r.k()},
          {"estimate", Number(r.estimate())},
          {"ci_lower", Number(r.ci_lower())},
          {"ci_upper", Number(r.ci_upper())},
          {"se", Number(r.se())},
          {"z", Number(r.z())},
          {"p_value", Number(r.p_value())},
          {"q", Number(r.q())},
          {"q_df", r.q_df()},
          {"q_p_value", Number(r.q_p_value())},
          {"i2", Number(r.i2())},
          {"tau2", Number(r.tau2())},
          {"tau2_ci_lower", Number(r.tau2_ci_lower())},
          {"tau2_ci_upper", Number(r.tau2_ci_upper())},
          {"h2", Number(r.h2())},
          {"pi_lower", Number(r.pi_lower())},
          {"pi_upper", Number(r.pi_upper())}};
}

std::string ConventionName(av1::Convention c) {
  return c == av1::METAFOR ? "metafor" : "revman5";
}

int Meta(const std::vector<std::string>& argv, kip::AnalyticsClient& client) {
  auto args =
      Args::Parse(argv,
                  {"token", "dosing", "sessions", "analytics", "ca-cert",
                   "data", "measure", "method", "model", "tau2", "convention",
                   "forest", "funnel", "baujat", "labbe", "confidence-level"},
                  {"json", "hksj", "by-subgroup", "leave-one-out", "egger",
                   "cumulative", "trim-and-fill", "influence"});
  if (!args.ok()) return InvalidInput(std::string(args.status().message()));
  auto path = args->Required("data");
  if (!path.ok()) return InvalidInput(std::string(path.status().message()));
  auto text = ReadFileToString(*path);
  if (!text.ok())
    return InvalidInput(absl::StrCat("--data: ", text.status().message()));
  auto studies = ParseStudyCsv(*text);
  if (!studies.ok())
    return InvalidInput(std::string(studies.status().message()));

  av1::RunMetaAnalysisRequest request;
  for (auto& s : *studies) *request.add_studies() = std::move(s);
  av1::MetaAnalysisOptions* o = request.mutable_options();
  auto measure_name = args->Required("measure");
  if (!measure_name.ok())
    return InvalidInput(std::string(measure_name.status().message()));
  absl::StatusOr<av1::EffectMeasure> parsed_measure =
      ParseMeasure(*measure_name);
  if (!parsed_measure.ok())
    return InvalidInput(std::string(parsed_measure.status().message()));
  const av1::EffectMeasure measure = *parsed_measure;
  o->set_measure(measure);
  const std::string method = absl::AsciiStrToUpper(args->Get("method", "IV"));
  if (method == "IV") {
    o->set_method(av1::INVERSE_VARIANCE);
  } else if (method == "MH") {
    o->set_method(av1::MANTEL_HAENSZEL);
  } else if (method == "PETO") {
    o->set_method(av1::PETO);
  } else {
    return InvalidInput("--method: '" + args->Get("method") +
                        "' is not IV, MH or PETO");
  }
  const std::string model = absl::AsciiStrToLower(args->Get("model", "random"));
  if (model != "fixed" && model != "random") {
    return InvalidInput("--model: '" + args->Get("model") +
                        "' is not fixed or random");
  }
  o->set_model(model == "fixed" ? av1::FIXED_EFFECT : av1::RANDOM_EFFECTS);
  absl::StatusOr<av1::Tau2Estimator> tau2 = ParseTau2(args->Get("tau2", "DL"));
  if (!tau2.ok()) return InvalidInput(std::string(tau2.status().message()));
  o->set_tau2_estimator(*tau2);
  o->set_hartung_knapp(args->Has("hksj"));
  const std::string convention =
      absl::AsciiStrToLower(args->Get("convention", "revman5"));
  if (convention != "revman5" && convention != "metafor") {
    return InvalidInput("--convention: '" + args->Get("convention") +
                        "' is not revman5 or metafor");
  }
  o->set_convention(convention == "metafor" ? av1::METAFOR : av1::REVMAN5);
  o->set_by_subgroup(args->Has("by-subgroup"));
  o->set_leave_one_out(args->Has("leave-one-out"));
  o->set_cumulative_by_year(args->Has("cumulative"));
  o->set_trim_and_fill(args->Has("trim-and-fill"));
  o->set_influence(args->Has("influence"));
  o->set_baujat_plot(args->Has("baujat"));
  o->set_labbe_plot(args->Has("labbe"));
  o->set_egger_test(args->Has("egger"));
  auto level = args->NumberOr("confidence-level", 0.95);
  if (!level.ok()) return InvalidInput(std::string(level.status().message()));
  o->set_confidence_level(*level);

  // Plots of large analyses take longer than a plain call.
  kip::CallOptions call;
  call.timeout = absl::Seconds(60);
  av1::RunMetaAnalysisResponse result;
  if (args->Has("funnel")) {
    av1::RenderFunnelPlotRequest plot;
    *plot.mutable_analysis() = request;
    auto rendered = client.RenderFunnelPlot(plot, call);
    if (!rendered.ok()) return CallFailed(rendered.status());
    std::ofstream(args->Get("funnel")) << rendered->svg();
  }
  if (args->Has("forest")) {
    av1::RenderForestPlotRequest plot;
    *plot.mutable_analysis() = request;
    auto rendered = client.RenderForestPlot(plot, call);
    if (!rendered.ok()) return CallFailed(rendered.status());
    std::ofstream(args->Get("forest")) << rendered->svg();
    result = rendered->result();
  } else {
    auto pooled = client.RunMetaAnalysis(request, call);
    if (!pooled.ok()) return CallFailed(pooled.status());
    result = *std::move(pooled);
  }

  for (const auto& [flag, svg] :
       {std::make_pair("baujat", &result.baujat_svg()),
        std::make_pair("labbe", &result.labbe_svg())}) {
    if (args->Has(flag)) std::ofstream(args->Get(flag)) << *svg;
  }
  if (args->Has("json")) {
    json out = PooledJson(result.overall());
    out["convention"] = ConventionName(result.convention());
    out["studies"] = json::array();
    for (const auto& s : result.studies()) {
      json row = {{"study", s.study()},
                  {"estimate", Number(s.estimate())},
                  {"ci_lower", Number(s.ci_lower())},
                  {"ci_upper", Number(s.ci_upper())},
                  {"weight_percent", Number(s.weight_percent())}};
      if (s.excluded()) row["excluded_reason"] = s.excluded_reason();
      out["studies"].push_back(row);
    }
    if (args->Has("by-subgroup")) {
      out["subgroups"] = json::array();
      for (const auto& g : result.subgroups()) {
        json group = PooledJson(g);
        group["name"] = g.name();
        out["subgroups"].push_back(group);
      }
      out["subgroup_test"] = {{"q", result.subgroup_test().q()},
                              {"df", result.subgroup_test().df()},
                              {"p_value", result.subgroup_test().p_value()}};
    }
    if (result.has_egger()) {
      out["egger"] = {{"intercept", result.egger().intercept()},
                      {"se", result.egger().se()},
                      {"t", result.egger().t()},
                      {"df", result.egger().df()},
                      {"p_value", result.egger().p_value()}};
    }
    AddSensitivityJson(result, out);
    out["warnings"] = result.warnings();
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  // A RevMan-style table.
  const auto& r = result.overall();
  const std::string name = av1::EffectMeasure_Name(measure);
  std::printf("%-28s %10s %22s %9s\n", "Study", name.c_str(), "95% CI",
              "Weight");
  for (const auto& s : result.studies()) {
    if (s.excluded()) {
      std::printf("%-28.28s %10s %22s %9s  (%s)\n", s.study().c_str(), "-",
                  "not estimable", "", s.excluded_reason().c_str());
      continue;
    }
    std::printf("%-28.28s %10.2f   [%8.2f, %8.2f] %8.1f%%\n", s.study().c_str(),
                s.estimate(), s.ci_lower(), s.ci_upper(), s.weight_percent());
  }
  std::printf("%-28s %10.2f   [%8.2f, %8.2f] %8.1f%%\n",
              result.options().model() == av1::RANDOM_EFFECTS
                  ? "Total (random effects)"
                  : "Total (fixed effect)",
              r.estimate(), r.ci_lower(), r.ci_upper(), 100.0);
  std::printf(
      "Heterogeneity: Tau2 = %.4f; Chi2 = %.2f, df = %d (P = %.4g); I2 = "
      "%.0f%%\n",
      r.tau2(), r.q(), r.q_df(), r.q_p_value(), r.i2());
  std::printf("Test for overall effect: %s = %.2f (P = %.4g)\n",
              result.options().hartung_knapp() ? "t" : "Z", std::fabs(r.z()),
              r.p_value());
  if (args->Has("by-subgroup")) {
    for (const auto& g : result.subgroups()) {
      std::printf("  subgroup %-18s k=%d %s %.2f [%.2f, %.2f] I2 = %.0f%%\n",
                  g.name().c_str(), g.k(), name.c_str(), g.estimate(),
                  g.ci_lower(), g.ci_upper(), g.i2());
    }
    std::printf(
        "Test for subgroup differences: Chi2 = %.2f, df = %d (P = %.4g)\n",
        result.subgroup_test().q(), result.subgroup_test().df(),
        result.subgroup_test().p_value());
  }
  PrintSensitivity(result);
  std::printf("Convention: %s\n", ConventionName(result.convention()).c_str());
  for (const auto& w : result.warnings())
    std::printf("warning: %s\n", w.c_str());
  return 0;
}

// `kipctl analytics outcomes`: a logged study's outcome per arm (and dose
// band), and the rows ready to pool.
int Outcomes(const std::vector<std::string>& argv,
             kip::AnalyticsClient& client) {
  auto args = Args::Parse(
      argv,
      WithGlobalOptions({"study", "outcome", "side-effect", "follow-up-day",
                         "treatment-arm", "control-arm"}),
      {"json"});
  if (!args.ok()) return InvalidInput(std::string(args.status().message()));
  auto study = args->Required("study");
  if (!study.ok()) return InvalidInput(std::string(study.status().message()));
  av1::ComputeStudyOutcomesRequest request;
  request.set_study_id(*study);
  std::string name =
      absl::AsciiStrToUpper(args->Get("outcome", "PAIN_CHANGE_FOLLOW_UP"));
  std::replace(name.begin(), name.end(), '-', '_');
  av1::OutcomeKind kind;
  if (!av1::OutcomeKind_Parse(name, &kind) ||
      kind == av1::OUTCOME_KIND_UNSPECIFIED) {
    return InvalidInput(absl::StrCat(
        "--outcome: '", args->Get("outcome"),
        "' is not pain-change-end-of-course, pain-change-follow-up, "
        "responders-30-percent, responders-50-percent, side-effect or "
        "sleep-quality"));
  }
  request.set_outcome(kind);
  request.set_side_effect_type(args->Get("side-effect", ""));
  if (args->Has("follow-up-day")) {
    int day = 0;
    if (!absl::SimpleAtoi(args->Get("follow-up-day"), &day) || day < 0) {
      return InvalidInput("--follow-up-day: not a whole number of days >= 0");
    }
    request.set_follow_up_day(day);
  }
  request.set_treatment_arm_id(args->Get("treatment-arm", ""));
  request.set_control_arm_id(args->Get("control-arm", ""));
  absl::StatusOr<av1::ComputeStudyOutcomesResponse> response_or =
      client.ComputeStudyOutcomes(request);
  if (!response_or.ok()) return CallFailed(response_or.status());
  const av1::ComputeStudyOutcomesResponse& response = *response_or;
  if (args->Has("json")) {
    json out = {{"study_id", *study},
                {"outcome", av1::OutcomeKind_Name(kind)},
                {"arms", json::array()},
                {"rows", json::array()}};
    for (const auto& a : response.arms()) {
      out["arms"].push_back({{"arm_id", a.arm_id()},
                             {"dose_band", a.dose_band()},
                             {"n", a.n()},
                             {"mean", Number(a.mean())},
                             {"sd", Number(a.sd())},
                             {"events", a.events()},
                             {"mean_dose_mg_per_kg", a.mean_dose_mg_per_kg()}});
    }
    for (const auto& row : response.rows()) {
      // The StudyData rows, as RunMetaAnalysis takes them.
      absl::StatusOr<std::string> text = ProtoJson(row);
      if (!text.ok()) return CallFailed(text.status());
      out["rows"].push_back(json::parse(*text));
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%s: %s\n", study->c_str(), av1::OutcomeKind_Name(kind).c_str());
  std::printf("%-12s %-16s %5s %8s %8s %7s %12s\n", "arm", "dose band", "n",
              "mean", "SD", "events", "mg/kg/h");
  for (const auto& a : response.arms()) {
    std::printf("%-12s %-16s %5ld %8.2f %8.2f %7ld %12.2f\n",
                a.arm_id().c_str(), a.dose_band().c_str(),
                static_cast<long>(a.n()), a.mean(), a.sd(),
                static_cast<long>(a.events()), a.mean_dose_mg_per_kg());
  }
  for (const auto& row : response.rows()) {
    std::printf("row to pool: %s\n", row.study().c_str());
  }
  return 0;
}

}  // namespace

int RunAnalyticsCommand(const std::string& command,
                        const std::vector<std::string>& args,
                        kip::AnalyticsClient& client) {
  if (command == "meta") return Meta(args, client);
  if (command == "outcomes") return Outcomes(args, client);
  if (command == "metareg") return MetaRegression(args, client);
  if (command == "network") return NetworkMetaAnalysis(args, client);
  std::fprintf(stderr,
               "kipctl: analytics %s: unknown command (meta, metareg, "
               "network, outcomes)\n",
               command.c_str());
  return 2;
}

}  // namespace kip::kipctl
