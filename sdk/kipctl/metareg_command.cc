#include "sdk/kipctl/metareg_command.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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

// Numeric moderators come from the CSV's text columns ("year" from its own).
absl::Status MoveNumericModerators(const std::vector<std::string>& names,
                                   av1::StudyData& study, int row) {
  for (const std::string& name : names) {
    if (name == "year") {
      (*study.mutable_moderators())[name] = study.year();
      continue;
    }
    auto it = study.factors().find(name);
    double value = 0;
    if (it == study.factors().end() || !absl::SimpleAtod(it->second, &value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "CSV row ", row, ", column ", name, ": '",
          it == study.factors().end() ? "" : it->second, "' is not a number"));
    }
    (*study.mutable_moderators())[name] = value;
  }
  return absl::OkStatus();
}

// "dose=0.3,control=midazolam" -> values, numeric where the model says so.
absl::StatusOr<av1::ModeratorValues> ParsePredict(
    const std::string& spec, const std::vector<std::string>& numeric) {
  av1::ModeratorValues at;
  for (absl::string_view part : absl::StrSplit(spec, ',')) {
    std::pair<std::string, std::string> kv = absl::StrSplit(part, '=');
    const std::string name = absl::AsciiStrToLower(kv.first);
    if (std::find(numeric.begin(), numeric.end(), name) != numeric.end()) {
      double value = 0;
      if (!absl::SimpleAtod(kv.second, &value)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--predict: ", name, "='", kv.second, "' is not a number"));
      }
      (*at.mutable_numeric())[name] = value;
    } else {
      (*at.mutable_categorical())[name] = kv.second;
    }
  }
  return at;
}

json ResultJson(const av1::RunMetaRegressionResponse& r) {
  json out = {{"k", r.k()},
              {"coefficients", json::array()},
              {"test", r.t_distribution() ? "t" : "z"},
              {"df", r.df()},
              {"qm", JsonNumber(r.qm())},
              {"qm_df", r.qm_df()},
              {"qm_p_value", JsonNumber(r.qm_p_value())},
              {"qe", JsonNumber(r.qe())},
              {"qe_df", r.qe_df()},
              {"qe_p_value", JsonNumber(r.qe_p_value())},
              {"tau2", JsonNumber(r.tau2())},
              {"i2", JsonNumber(r.i2())},
              {"h2", JsonNumber(r.h2())},
              {"r2", JsonNumber(r.r2())},
              {"predictions", json::array()},
              {"excluded_studies", r.excluded_studies()}};
  for (const auto& c : r.coefficients()) {
    out["coefficients"].push_back({{"name", c.name()},
                                   {"estimate", JsonNumber(c.estimate())},
                                   {"se", JsonNumber(c.se())},
                                   {"ci_lower", JsonNumber(c.ci_lower())},
                                   {"ci_upper", JsonNumber(c.ci_upper())},
                                   {"z_or_t", JsonNumber(c.z_or_t())},
                                   {"p_value", JsonNumber(c.p_value())}});
  }
  for (const auto& p : r.predictions()) {
    json at = json::object();
    for (const auto& [k, v] : p.at().numeric()) at[k] = v;
    for (const auto& [k, v] : p.at().categorical()) at[k] = v;
    out["predictions"].push_back({{"at", at},
                                  {"estimate", JsonNumber(p.estimate())},
                                  {"ci_lower", JsonNumber(p.ci_lower())},
                                  {"ci_upper", JsonNumber(p.ci_upper())},
                                  {"pi_lower", JsonNumber(p.pi_lower())},
                                  {"pi_upper", JsonNumber(p.pi_upper())}});
  }
  return out;
}

void PrintTable(const av1::RunMetaRegressionResponse& r) {
  std::printf("Meta-regression (k = %d; %s, tau2 %s%s)\n", r.k(),
              r.options().model() == av1::RANDOM_EFFECTS ? "mixed effects"
                                                         : "fixed effects",
              av1::Tau2Estimator_Name(r.options().tau2_estimator()).c_str(),
              r.t_distribution() ? ", Knapp-Hartung" : "");
  std::printf("%-24s %10s %9s %9s %9s %10s %22s\n", "coefficient", "estimate",
              "se", r.t_distribution() ? "t" : "z", "p", "", "95% CI");
  for (const auto& c : r.coefficients()) {
    std::printf("%-24.24s %10.4f %9.4f %9.3f %9.4g %10s [%9.4f, %9.4f]\n",
                c.name().c_str(), c.estimate(), c.se(), c.z_or_t(), c.p_value(),
                "", c.ci_lower(), c.ci_upper());
  }
  std::printf("Test of moderators: %s = %.3f, df = %d%s, p = %.4g\n",
              r.t_distribution() ? "F" : "QM", r.qm(), r.qm_df(),
              r.t_distribution() ? absl::StrCat(", ", r.df()).c_str() : "",
              r.qm_p_value());
  std::printf(
      "Residual heterogeneity: QE = %.3f, df = %d, p = %.4g; tau2 = %.4f; "
      "I2 = %.1f%%; R2 = %.1f%%\n",
      r.qe(), r.qe_df(), r.qe_p_value(), r.tau2(), r.i2(), r.r2());
  for (const auto& p : r.predictions()) {
    std::string at;
    for (const auto& [k, v] : p.at().numeric())
      absl::StrAppend(&at, at.empty() ? "" : ",", k, "=", v);
    for (const auto& [k, v] : p.at().categorical())
      absl::StrAppend(&at, at.empty() ? "" : ",", k, "=", v);
    std::printf("predicted at %s: %.4f [%.4f, %.4f], PI [%.4f, %.4f]\n",
                at.c_str(), p.estimate(), p.ci_lower(), p.ci_upper(),
                p.pi_lower(), p.pi_upper());
  }
  for (const auto& e : r.excluded_studies())
    std::printf("excluded: %s\n", e.c_str());
}

// The request from the command line; bad input is INVALID_ARGUMENT.
// A trial logged in sessions, one row per dose band of its treatment arm.
absl::Status AddLoggedStudy(const Args& args,
                            av1::RunMetaRegressionRequest& request) {
  if (!args.Has("logged-study")) return absl::OkStatus();
  av1::LoggedStudyRef* ref = request.add_logged_studies();
  ref->set_study_id(args.Get("logged-study"));
  ref->set_treatment_arm_id(args.Get("treatment-arm", ""));
  ref->set_control_arm_id(args.Get("control-arm", ""));
  std::string name =
      absl::AsciiStrToUpper(args.Get("outcome", "pain-change-follow-up"));
  std::replace(name.begin(), name.end(), '-', '_');
  av1::OutcomeKind kind;
  if (!av1::OutcomeKind_Parse(name, &kind) ||
      kind == av1::OUTCOME_KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError("--outcome: '" + args.Get("outcome") +
                                      "' is not an outcome kind");
  }
  ref->set_outcome(kind);
  return absl::OkStatus();
}

absl::StatusOr<av1::RunMetaRegressionRequest> BuildRequest(const Args& args) {
  std::vector<av1::StudyData> rows;
  if (args.Has("data") || !args.Has("logged-study")) {
    absl::StatusOr<std::string> path = args.Required("data");
    if (!path.ok()) return path.status();
    absl::StatusOr<std::string> text = ReadFileToString(*path);
    if (!text.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--data: ", text.status().message()));
    }
    absl::StatusOr<std::vector<av1::StudyData>> parsed = ParseStudyCsv(*text);
    if (!parsed.ok()) return parsed.status();
    rows = *std::move(parsed);
  }
  av1::RunMetaRegressionRequest request;
  if (absl::Status s = AddLoggedStudy(args, request); !s.ok()) return s;
  for (const std::string& m : args.GetAll("moderator"))
    request.add_moderators(absl::AsciiStrToLower(m));
  for (const std::string& m : args.GetAll("categorical"))
    request.add_categorical_moderators(absl::AsciiStrToLower(m));
  const std::vector<std::string> numeric(request.moderators().begin(),
                                         request.moderators().end());
  for (size_t i = 0; i < rows.size(); ++i) {
    av1::StudyData& s = rows[i];
    // Row numbers as the CSV parser counts them: the header is row 1.
    if (absl::Status st = MoveNumericModerators(numeric, s, i + 2); !st.ok())
      return st;
    *request.add_studies() = std::move(s);
  }
  absl::StatusOr<std::string> measure_name = args.Required("measure");
  if (!measure_name.ok()) return measure_name.status();
  absl::StatusOr<av1::EffectMeasure> measure = ParseMeasure(*measure_name);
  if (!measure.ok()) return measure.status();
  av1::MetaAnalysisOptions* o = request.mutable_options();
  o->set_measure(*measure);
  absl::StatusOr<av1::Tau2Estimator> tau2 = ParseTau2(args.Get("tau2", "REML"));
  if (!tau2.ok()) return tau2.status();
  o->set_tau2_estimator(*tau2);
  const std::string model = absl::AsciiStrToLower(args.Get("model", "random"));
  if (model != "fixed" && model != "random") {
    return absl::InvalidArgumentError("--model: '" + args.Get("model") +
                                      "' is not fixed or random");
  }
  o->set_model(model == "fixed" ? av1::FIXED_EFFECT : av1::RANDOM_EFFECTS);
  o->set_hartung_knapp(args.Has("hksj"));
  o->set_convention(av1::METAFOR);
  for (const std::string& spec : args.GetAll("predict")) {
    absl::StatusOr<av1::ModeratorValues> at = ParsePredict(spec, numeric);
    if (!at.ok()) return at.status();
    *request.add_predict_at() = *std::move(at);
  }
  request.set_bubble_plot(args.Has("bubble"));
  return request;
}

}  // namespace

int MetaRegression(const std::vector<std::string>& argv,
                   kip::AnalyticsClient& client) {
  auto args = Args::Parse(
      argv,
      WithGlobalOptions({"data", "measure", "moderator", "categorical", "tau2",
                         "model", "predict", "bubble", "logged-study",
                         "treatment-arm", "control-arm", "outcome"}),
      {"json", "hksj"});
  if (!args.ok()) return InvalidInput(std::string(args.status().message()));
  absl::StatusOr<av1::RunMetaRegressionRequest> request = BuildRequest(*args);
  if (!request.ok())
    return InvalidInput(std::string(request.status().message()));
  kip::CallOptions call;
  call.timeout = absl::Seconds(60);
  absl::StatusOr<av1::RunMetaRegressionResponse> result =
      client.RunMetaRegression(*request, call);
  if (!result.ok()) return CallFailed(result.status());
  if (args->Has("bubble")) {
    std::ofstream out(args->Get("bubble"));
    out << result->bubble_svg();
    if (!out)
      return InvalidInput("--bubble: cannot write " + args->Get("bubble"));
  }
  if (args->Has("json")) {
    std::cout << ResultJson(*result).dump(2) << "\n";
  } else {
    PrintTable(*result);
  }
  return 0;
}

}  // namespace kip::kipctl
