#include "sdk/kipctl/dosing_commands.h"

#include <cstdio>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "nlohmann/json.hpp"
#include "sdk/kipctl/args.h"
#include "sdk/kipctl/dosing_args.h"
#include "sdk/kipctl/exit_status.h"
#include "sdk/kipctl/protocol_commands.h"
#include "sdk/kipctl/titration_command.h"

namespace kip::kipctl {

const std::set<std::string>& GlobalOptions() {
  static const auto* const kGlobal = new std::set<std::string>{
      "token", "dosing", "sessions", "analytics", "ca-cert"};
  return *kGlobal;
}

std::set<std::string> WithGlobalOptions(std::set<std::string> options) {
  options.insert(GlobalOptions().begin(), GlobalOptions().end());
  return options;
}

namespace {

namespace v1 = kip::dosing::v1;
using nlohmann::json;

int InvalidInput(const absl::Status& status) {
  return kip::kipctl::InvalidInput(std::string(status.message()));
}

std::set<std::string> With(std::set<std::string> options) {
  return WithGlobalOptions(std::move(options));
}

int Plan(const std::vector<std::string>& argv, kip::DosingClient& client) {
  auto args = Args::Parse(
      argv,
      With({"protocol", "weight-kg", "concentration-mg-per-ml", "care-area",
            "height-cm", "sex", "weight-basis", "pk-model"}),
      {"json"});
  if (!args.ok()) return InvalidInput(args.status());
  v1::PlanCourseRequest request;
  auto protocol = args->Required("protocol");
  if (!protocol.ok()) return InvalidInput(protocol.status());
  request.set_protocol_id(*protocol);
  auto patient = PatientFromArgs(*args);
  if (!patient.ok()) return InvalidInput(patient.status());
  *request.mutable_patient() = *patient;
  auto conc = args->Number("concentration-mg-per-ml");
  if (!conc.ok()) return InvalidInput(conc.status());
  request.set_concentration_mg_per_ml(*conc);
  auto area = CareAreaFromArgs(*args);
  if (!area.ok()) return InvalidInput(area.status());
  request.set_care_area(*area);
  if (args->Has("pk-model")) {
    v1::PkModel model;
    if (!v1::PkModel_Parse(absl::AsciiStrToUpper(args->Get("pk-model")),
                           &model)) {
      return InvalidInput(absl::InvalidArgumentError(
          "--pk-model: is not domino, clements, hijazi or kamp"));
    }
    request.set_pk_model(model);
  }
  absl::StatusOr<v1::PlanCourseResponse> plan_or = client.PlanCourse(request);
  if (!plan_or.ok()) return CallFailed(plan_or.status());
  const v1::PlanCourseResponse& plan = *plan_or;
  if (args->Has("json")) {
    json out = {
        {"protocol_id", plan.protocol_id()},
        {"library_version", plan.library().version()},
        {"library_hash", plan.library().content_sha256()},
        {"dosing_weight_kg", plan.dosing_weight_kg()},
        {"dosing_weight_formula", plan.dosing_weight_formula()},
        {"sessions", json::array()},
        {"course_max_total_mg", plan.course_max_total_mg()},
        {"warnings", json::array()},
        {"requires_clinical_signoff", plan.requires_clinical_signoff()},
        {"hard_limit_weight", BoundWeightJson(plan.hard_limit_weight())},
        {"hard_rate_max_mg_per_h", plan.hard_rate_max_mg_per_h()}};
    for (const auto& s : plan.sessions()) {
      json session = {{"day", s.day()},
                      {"duration_min", s.duration_min()},
                      {"steps", json::array()},
                      {"min_rate_mg_per_h", s.min_rate_mg_per_h()},
                      {"max_rate_mg_per_h", s.max_rate_mg_per_h()},
                      {"planned_total_mg", s.planned_total_mg()},
                      {"max_total_mg", s.max_total_mg()},
                      {"planned_volume_ml", s.planned_volume_ml()}};
      for (const auto& step : s.steps()) {
        session["steps"].push_back(
            {{"offset_min", step.offset_min()},
             {"rate_mg_per_kg_per_h", step.rate_mg_per_kg_per_h()},
             {"rate_mg_per_h", step.rate_mg_per_h()},
             {"rate_ml_per_h", step.rate_ml_per_h()},
             {"rate_ml_per_h_exact", step.rate_ml_per_h_exact()}});
      }
      out["sessions"].push_back(session);
    }
    for (const auto& w : plan.warnings()) out["warnings"].push_back(w);
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%s for %.1f kg (%s), library %s\n", plan.protocol_id().c_str(),
              plan.dosing_weight_kg(), plan.dosing_weight_formula().c_str(),
              plan.library().version().c_str());
  std::printf("%4s %8s %10s %8s %8s %12s %10s\n", "day", "min", "mg/kg/h",
              "mg/h", "mL/h", "planned mg", "max mg");
  for (const auto& s : plan.sessions()) {
    const auto& step = s.steps(0);
    std::printf("%4d %8.0f %10.3f %8.2f %8.1f %12.1f %10.1f\n", s.day(),
                s.duration_min(), step.rate_mg_per_kg_per_h(),
                step.rate_mg_per_h(), step.rate_ml_per_h(),
                s.planned_total_mg(), s.max_total_mg());
  }
  std::printf("course maximum %.1f mg; drug-library maximum %.1f mg/h on %s\n",
              plan.course_max_total_mg(), plan.hard_rate_max_mg_per_h(),
              plan.hard_limit_weight().reason().c_str());
  for (const auto& w : plan.warnings()) std::printf("warning: %s\n", w.c_str());
  return 0;
}

int Validate(const std::vector<std::string>& argv, kip::DosingClient& client) {
  std::set<std::string> options = ProgramOptions();
  options.insert({"session-id", "course-id"});
  auto args = Args::Parse(argv, With(options), {"json"});
  if (!args.ok()) return InvalidInput(args.status());
  absl::StatusOr<v1::ValidateProgramRequest> request = ProgramFromArgs(*args);
  if (!request.ok()) return InvalidInput(request.status());
  request->set_session_id(args->Get("session-id"));
  request->set_course_id(args->Get("course-id"));
  absl::StatusOr<v1::ValidateProgramResponse> response =
      client.ValidateProgram(*request);
  if (!response.ok()) return CallFailed(response.status());
  if (args->Has("json")) {
    std::cout << VerdictJson(*response).dump(2) << "\n";
  } else {
    PrintVerdict(*response);
  }
  return 0;
}

int Pk(const std::vector<std::string>& argv, kip::DosingClient& client) {
  auto args = Args::Parse(argv, With({"model", "weight-kg", "infusion", "at"}),
                          {"json"});
  if (!args.ok()) return InvalidInput(args.status());
  v1::PredictConcentrationRequest request;
  v1::PkModel model;
  auto model_name = args->Required("model");
  if (!model_name.ok()) return InvalidInput(model_name.status());
  if (!v1::PkModel_Parse(absl::AsciiStrToUpper(*model_name), &model) ||
      model == v1::PK_MODEL_UNSPECIFIED) {
    return InvalidInput(absl::InvalidArgumentError(
        absl::StrCat("--model: '", *model_name,
                     "' is not domino, clements, hijazi or kamp")));
  }
  request.set_model(model);
  auto weight = args->Number("weight-kg");
  if (!weight.ok()) return InvalidInput(weight.status());
  request.set_weight_kg(*weight);
  if (args->GetAll("infusion").empty()) {
    return InvalidInput(absl::InvalidArgumentError("--infusion: is required"));
  }
  for (const std::string& text : args->GetAll("infusion")) {
    auto infusion = ParseInfusion(text);
    if (!infusion.ok()) return InvalidInput(infusion.status());
    v1::InfusionPiece* piece = request.add_infusions();
    piece->set_start_min(infusion->start_min);
    piece->set_end_min(infusion->end_min);
    piece->set_rate_mg_per_h(infusion->rate_mg_per_h);
  }
  auto at = args->Required("at");
  if (!at.ok()) return InvalidInput(at.status());
  for (const std::string& text : args->GetAll("at")) {
    auto times = ParseNumberList("at", text);
    if (!times.ok()) return InvalidInput(times.status());
    for (double t : *times) request.add_at_min(t);
  }
  absl::StatusOr<v1::PredictConcentrationResponse> response_or =
      client.PredictConcentration(request);
  if (!response_or.ok()) return CallFailed(response_or.status());
  const v1::PredictConcentrationResponse& response = *response_or;
  const std::string name =
      absl::AsciiStrToLower(v1::PkModel_Name(response.model()));
  if (args->Has("json")) {
    json out = {
        {"model", name}, {"points", json::array()}, {"note", response.note()}};
    for (const auto& p : response.points()) {
      out["points"].push_back(
          {{"minute", p.minute()},
           {"plasma_ng_per_ml", p.plasma_ng_per_ml()},
           {"above_analgesic_range", p.above_analgesic_range()}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%s model (%s)\n%8s %12s\n", name.c_str(),
              response.model_source().text().c_str(), "minute", "ng/mL");
  for (const auto& p : response.points()) {
    std::printf("%8g %12.1f%s\n", p.minute(), p.plasma_ng_per_ml(),
                p.above_analgesic_range() ? "  above analgesic range" : "");
  }
  std::printf("%s\n", response.note().c_str());
  return 0;
}

}  // namespace

int RunDosingCommand(const std::string& command,
                     const std::vector<std::string>& args,
                     kip::DosingClient& client) {
  if (command == "protocols") return ListProtocolsCommand(args, client);
  if (command == "protocol") return ShowProtocolCommand(args, client);
  if (command == "plan") return Plan(args, client);
  if (command == "validate") return Validate(args, client);
  if (command == "pk") return Pk(args, client);
  if (command == "titrate") return TitrateCommand(args, client);
  std::fprintf(stderr,
               "kipctl: dosing %s: unknown command (protocols, protocol, plan, "
               "validate, titrate, pk)\n",
               command.c_str());
  return 2;
}

}  // namespace kip::kipctl
