#include "sdk/kipctl/protocol_commands.h"

#include <cstdio>
#include <iostream>

#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "sdk/kipctl/args.h"
#include "sdk/kipctl/exit_status.h"
#include "sdk/kipctl/proto_json.h"

namespace kip::kipctl {
namespace {

namespace v1 = kip::dosing::v1;
using google::protobuf::util::TimeUtil;
using nlohmann::json;

const char* Unit(v1::RateUnit unit) {
  return unit == v1::MG_PER_KG_PER_H ? "mg/kg/h" : "mg/h";
}

std::string Source(const kip::common::v1::Citation& citation) {
  std::string text = citation.text();
  if (!citation.doi().empty()) text += " doi:" + citation.doi();
  if (!citation.pmid().empty()) text += " PMID " + citation.pmid();
  return text;
}

double Minutes(const google::protobuf::Duration& duration) {
  return TimeUtil::DurationToSeconds(duration) / 60.0;
}

void PrintBound(const char* name, bool has, double value) {
  if (has) std::printf(" %s %g", name, value);
}

void PrintProtocol(const v1::Protocol& p) {
  std::printf("%s: %s\n", p.id().c_str(), p.title().c_str());
  std::printf("  indications:    %s\n",
              absl::StrJoin(p.indications(), "; ").c_str());
  std::printf("  dosing mode:    %s\n",
              v1::DosingMode_Name(p.dosing_mode()).c_str());
  std::printf("  rate:           start %g, %g-%g %s", p.rate().start(),
              p.rate().min(), p.rate().max(), Unit(p.rate().unit()));
  if (p.rate().titration_step() > 0) {
    std::printf(", step %g every %g min", p.rate().titration_step(),
                Minutes(p.rate().titration_interval()));
  } else {
    std::printf(", titration step not given by the source");
  }
  std::printf("\n");
  if (p.total_dose_mg() > 0) {
    std::printf("  total dose:     %g mg\n", p.total_dose_mg());
  }
  if (p.loading_dose_mg_per_kg() > 0) {
    std::printf("  loading dose:   %g mg/kg\n", p.loading_dose_mg_per_kg());
  }
  std::printf("  session:        %g min, %d per course, every %g h\n",
              Minutes(p.session_duration()), p.sessions_per_course(),
              Minutes(p.session_spacing()) / 60);
  std::printf(
      "  concentrations: %s mg/mL\n",
      absl::StrJoin(p.allowed_concentrations_mg_per_ml(), ", ").c_str());
  for (const auto& a : p.adjuncts()) {
    std::printf("  adjunct:        %s (%s, %s)%s  [%s]\n", a.drug().c_str(),
                a.use().c_str(), a.route().c_str(),
                a.dose_mg() > 0 ? "" : " dose not given by the source",
                Source(a.citation()).c_str());
  }
  if (p.vitals_interval().seconds() > 0) {
    std::printf("  vitals every:   %g min\n", Minutes(p.vitals_interval()));
  }
  for (const auto& r : p.stop_rules()) {
    std::printf("  stop rule:      %s (%s):",
                v1::VitalSign_Name(r.vital_sign()).c_str(), r.unit().c_str());
    PrintBound("warning <", r.has_warning_below(), r.warning_below());
    PrintBound("warning >", r.has_warning_above(), r.warning_above());
    PrintBound("critical <", r.has_critical_below(), r.critical_below());
    PrintBound("critical >", r.has_critical_above(), r.critical_above());
    std::printf("  [%s]\n", Source(r.citation()).c_str());
  }
  for (const auto& c : p.contraindications()) {
    std::printf("  %s contraindication: %s  [%s]\n",
                c.absolute() ? "absolute" : "relative", c.condition().c_str(),
                Source(c.citation()).c_str());
  }
  for (const auto& c : p.citations()) {
    std::printf("  source:         %s\n", Source(c).c_str());
  }
  if (!p.evidence_notes().empty()) {
    std::printf("  evidence:       %s\n", p.evidence_notes().c_str());
  }
  std::printf("Every number needs clinical sign-off before clinical use.\n");
}

}  // namespace

int ListProtocolsCommand(const std::vector<std::string>& argv,
                         kip::DosingClient& client) {
  auto args = Args::Parse(argv, GlobalOptions(), {"json"});
  if (!args.ok()) return InvalidInput(std::string(args.status().message()));
  absl::StatusOr<v1::ListProtocolsResponse> response_or =
      client.ListProtocols({});
  if (!response_or.ok()) return CallFailed(response_or.status());
  const v1::ListProtocolsResponse& response = *response_or;
  if (args->Has("json")) {
    json out = {{"library_version", response.library().version()},
                {"library_hash", response.library().content_sha256()},
                {"protocols", json::array()}};
    for (const auto& p : response.protocols()) {
      out["protocols"].push_back(
          {{"id", p.id()},
           {"title", p.title()},
           {"dosing_mode", v1::DosingMode_Name(p.dosing_mode())},
           {"rate",
            {{"unit", v1::RateUnit_Name(p.rate().unit())},
             {"start", p.rate().start()},
             {"min", p.rate().min()},
             {"max", p.rate().max()}}}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("library %s (sha256 %s)\n", response.library().version().c_str(),
              response.library().content_sha256().c_str());
  for (const auto& p : response.protocols()) {
    std::printf("%-26s %g-%g %s  %s\n", p.id().c_str(), p.rate().min(),
                p.rate().max(), Unit(p.rate().unit()), p.title().c_str());
  }
  std::printf("Every number needs clinical sign-off before clinical use.\n");
  return 0;
}

int ShowProtocolCommand(const std::vector<std::string>& argv,
                        kip::DosingClient& client) {
  auto args = Args::Parse(argv, WithGlobalOptions({"protocol"}), {"json"});
  if (!args.ok()) return InvalidInput(std::string(args.status().message()));
  auto id = args->Required("protocol");
  if (!id.ok()) return InvalidInput(std::string(id.status().message()));
  v1::GetProtocolRequest request;
  request.set_protocol_id(*id);
  absl::StatusOr<v1::GetProtocolResponse> response_or =
      client.GetProtocol(request);
  if (!response_or.ok()) return CallFailed(response_or.status());
  const v1::GetProtocolResponse& response = *response_or;
  if (args->Has("json")) {
    return PrintProtoJson(response);
  }
  std::printf("library %s (sha256 %s)\n", response.library().version().c_str(),
              response.library().content_sha256().c_str());
  PrintProtocol(response.protocol());
  return 0;
}

}  // namespace kip::kipctl
