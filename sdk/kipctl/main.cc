// kipctl: the command line for KIP (clinicians and researchers). Every command
// answers --help; errors are one line on stderr and a non-zero exit (2 for
// invalid input).
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "sdk/kipctl/analytics_commands.h"
#include "sdk/kipctl/dosing_commands.h"
#include "sdk/kipctl/gateway_commands.h"
#include "sdk/kipctl/safety_commands.h"
#include "sdk/kipctl/sessions_commands.h"

namespace {

constexpr char kConnection[] = R"(
Connection (any command): --target HOST:PORT (the command's service), or
--dosing / --sessions / --analytics / --gateway HOST:PORT (defaults
127.0.0.1:50051/2/3/4);
--token JWT (or $KIP_TOKEN; ./kip ctl passes the dev token of ./kip up);
--ca-cert PEM for TLS. Exit status: 0 ok, 2 invalid input, 1 other failures.
Every dosing number needs clinical sign-off.
)";

const std::map<std::string, std::string> kUsage = {
    {"dosing protocols", "kipctl dosing protocols [--json]"},
    {"dosing protocol", "kipctl dosing protocol --protocol ID [--json]"},
    {"dosing plan",
     "kipctl dosing plan --protocol ID --weight-kg W --concentration-mg-per-ml "
     "C\n"
     "    [--care-area AREA] [--height-cm H --sex F|M] [--weight-basis B] "
     "[--pk-model M] [--json]"},
    {"dosing validate",
     "kipctl dosing validate --protocol ID --weight-kg W "
     "--concentration-mg-per-ml C\n"
     "    --rate-mg-per-h R --duration-min D [--care-area AREA] [--bolus-mg "
     "B]\n"
     "    [--height-cm H --sex F|M] [--weight-basis B] [--override-reason "
     "TEXT --clinician ID]\n"
     "    [--session-id ID] [--json]"},
    {"dosing titrate",
     "kipctl dosing titrate --protocol ID --weight-kg W "
     "--current-rate-mg-per-h "
     "R\n"
     "    [--care-area AREA] [--height-cm H --sex F|M] [--weight-basis B]\n"
     "    [--concentration-mg-per-ml C] [--since-last-change-min M] "
     "[--pain-nrs N]\n"
     "    [--sedation-score S] [--side-effect NAME ...] [--spo2-percent P]\n"
     "    [--respiratory-rate-per-min R] [--heart-rate-per-min H] "
     "[--systolic-bp-mmhg S]\n"
     "    [--diastolic-bp-mmhg D] [--json]"},
    {"dosing pk",
     "kipctl dosing pk --model domino|clements|hijazi|kamp --weight-kg W\n"
     "    --infusion START_MIN-END_MIN:RATE_MG_PER_H [--infusion ...] --at "
     "MIN[,MIN...] [--json]"},
    {"sessions start",
     "kipctl sessions start --study S --patient P --protocol ID --device D\n"
     "    [--protocol-version V] [--course C] [--course-day N] [--session-id "
     "UUID]\n"
     "    [--concentration-mg-per-ml C] [--care-area "
     "OUTPATIENT_PAIN|INPATIENT_WARD|ICU] [--json]\n"
     "    (the bag's strength and the care area: the pump gateway converts "
     "mL/h with the one and logs the other)"},
    {"sessions log",
     "kipctl sessions log --session ID (--pain NRS [--timepoint "
     "baseline|during|end|follow-up]\n"
     "    [--follow-up-day N] | --note TEXT | --event-json '{proto3 JSON "
     "Event}') [--json]"},
    {"sessions show", "kipctl sessions show --session ID [--json]"},
    {"sessions verify",
     "kipctl sessions verify --session ID [--json]   (exit 1 if tampered)"},
    {"sessions export",
     "kipctl sessions export --study S --out DIR [--format csv|sdtm|odm|fhir]"
     "   (odm: DIR/<study>.odm.xml; fhir: DIR/<study>.fhir.json, an R4 "
     "Bundle)"},
    {"sessions create-study",
     "kipctl sessions create-study --study S --arms ID[:TITLE],ID[:TITLE] "
     "[--ratios 1,1]\n"
     "    [--randomise caller|blocks|minimisation] [--factors "
     "site,sex,age_band,condition]\n"
     "    [--follow-probability P] [--blinded] [--site ID ...] [--protocol ID "
     "...] [--title T] [--json]"},
    {"sessions enroll",
     "kipctl sessions enroll --study S --patient P --site ID --weight-kg W\n"
     "    [--height-cm H] [--sex F|M] [--age-band B] [--condition C] "
     "[--baseline-pain NRS]\n"
     "    [--arm A (only where the caller allocates)] [--json]"},
    {"sessions allocation",
     "kipctl sessions allocation --study S [--schedule N] [--out DIR | "
     "--json]   (statistician, admin)"},
    {"sessions unblind",
     "kipctl sessions unblind --patient P --reason TEXT [--study S] [--json]"},
    {"sessions unblind-study",
     "kipctl sessions unblind-study --study S --reason TEXT [--json]   "
     "(admin)"},
    {"sessions verify-allocations",
     "kipctl sessions verify-allocations --study S [--json]   (exit 1 if "
     "tampered)"},
    {"safety reports",
     "kipctl safety reports --study S [--overdue] [--json]   (serious adverse "
     "events, their clocks)"},
    {"safety deviations",
     "kipctl safety deviations --study S [--json]   (protocol deviations "
     "found from the log)"},
    {"gateway quarantine",
     "kipctl gateway quarantine [--device EUI64] [--messages] [--json]   "
     "(pump messages the gateway kept for review)"},
    {"gateway order",
     "kipctl gateway order --session S --protocol P --weight-kg W "
     "--concentration-mg-per-ml C\n"
     "    --rate-mg-per-h R --duration-min D [--bolus-mg B] [--care-area A] "
     "[--override-reason T --clinician ID] [--json]\n"
     "    (a verified order: dosing checks the programme against the session; "
     "only an approved one goes to the pump; exit 1 if the pump server "
     "refuses it)"},
    {"safety cqi",
     "kipctl safety cqi --study S [--from YYYY-MM] [--to YYYY-MM] [--svg "
     "FILE] [--json]\n"
     "    (drug-library quality: alerts, overrides, hard-limit stops per 100 "
     "infusions)"},
    {"analytics outcomes",
     "kipctl analytics outcomes --study ID [--outcome pain-change-follow-up|"
     "pain-change-end-of-course|\n"
     "    responders-30-percent|responders-50-percent|side-effect] "
     "[--side-effect TYPE]\n"
     "    [--follow-up-day N] [--treatment-arm A --control-arm B] [--json]"},
    {"analytics metareg",
     "kipctl analytics metareg --data F.csv --measure MD|SMD|RR|OR|RD "
     "--moderator COL [--moderator COL2 ...]\n"
     "    [--categorical COL] [--tau2 DL|REML|ML] [--model fixed|random] "
     "[--hksj]\n"
     "    [--predict COL=V[,COL2=V2]] [--bubble out.svg] [--json]\n"
     "    [--logged-study ID --treatment-arm A --control-arm B [--outcome "
     "pain-change-follow-up|...]]\n"
     "    (moderators are further CSV columns: e.g. dose_mg_per_kg, "
     "infusion_hours, control; year;\n"
     "    a logged study adds a row per dose band of its treatment arm with "
     "moderator dose_mg_per_kg_per_h)"},
    {"analytics network",
     "kipctl analytics network --data ARMS.csv --measure MD|OR|RR|RD "
     "[--tau2 REML|ML] [--model fixed|random]\n"
     "    [--reference TREATMENT] [--larger-is-better] [--league out.svg] "
     "[--graph out.svg] [--json]\n"
     "    (one row per arm: study,treatment,events,total or "
     "study,treatment,mean,sd,n)"},
    {"analytics meta",
     "kipctl analytics meta --data FILE.csv --measure MD|SMD|RR|OR|RD|PETO_OR\n"
     "    --method IV|MH|PETO --model fixed|random [--tau2 "
     "DL|REML|ML|PM|HE|SJ] [--hksj]\n"
     "    [--convention revman5|metafor] [--by-subgroup] [--json] [--forest "
     "out.svg]\n"
     "    [--funnel out.svg] [--leave-one-out] [--cumulative] "
     "[--trim-and-fill] [--influence] [--egger]\n"
     "    [--baujat out.svg] [--labbe out.svg]\n"
     "    CSV: study plus, per row, one of: events_treatment,total_treatment,"
     "events_control,total_control |\n"
     "    mean_/sd_/n_treatment and _control | median_/n_ (+ q1_/q3_ and/or "
     "min_/max_) per arm |\n"
     "    mean_baseline_/sd_baseline_/mean_final_/sd_final_/n_ per arm + "
     "correlation | crossover\n"
     "    n,mean_treatment,sd_treatment,mean_control,sd_control,correlation | "
     "estimate,ci_lower,ci_upper |\n"
     "    estimate,se; optional subgroup, year; other columns are moderators"},
};

void PrintUsage(FILE* out, const std::string& only = "") {
  std::fputs("kipctl: the KIP command line\n\n", out);
  for (const auto& [name, usage] : kUsage) {
    if (only.empty() || name == only)
      std::fprintf(out, "  %s\n", usage.c_str());
  }
  std::fputs(kConnection, out);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  static const std::set<std::string> kValued = {
      "token",   "dosing",  "sessions", "analytics",
      "gateway", "ca-cert", "target"};
  std::vector<std::string> words, rest;
  std::map<std::string, std::string> connection;
  bool help = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h" || (arg == "help" && words.empty())) {
      help = true;
      continue;
    }
    if (arg.rfind("--", 0) == 0) {
      const size_t eq = arg.find('=');
      const std::string name =
          arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (kValued.count(name)) {
        if (eq != std::string::npos) {
          connection[name] = arg.substr(eq + 1);
        } else if (i + 1 < args.size()) {
          connection[name] = args[++i];
        }
        continue;
      }
      rest.push_back(arg);
      continue;
    }
    // The first two bare words name the command; they come before its options.
    if (words.size() < 2) {
      words.push_back(arg);
    } else {
      rest.push_back(arg);
    }
  }
  const std::string command =
      words.size() == 2 ? words[0] + " " + words[1] : "";
  if (help) {
    PrintUsage(stdout, kUsage.count(command) ? command : "");
    return 0;
  }
  if (!kUsage.count(command)) {
    PrintUsage(stderr);
    return 2;
  }
  kip::ConnectionOptions options;
  const std::map<std::string, std::string> kDefault = {
      {"dosing", "127.0.0.1:50051"},
      {"sessions", "127.0.0.1:50052"},
      {"analytics", "127.0.0.1:50053"},
      {"gateway", "127.0.0.1:50054"}};
  // Safety reports and deviations come from the sessions service, the
  // drug-library quality report from analytics.
  const std::string service = command == "safety cqi" ? "analytics"
                              : words[0] == "safety"  ? "sessions"
                                                      : words[0];
  options.target = !connection["target"].empty()  ? connection["target"]
                   : !connection[service].empty() ? connection[service]
                                                  : kDefault.at(service);
  // kipctl's calls may wait for a busy server longer than an app's.
  options.default_deadline = absl::Seconds(30);
  options.bearer_token = connection["token"];
  if (options.bearer_token.empty() && std::getenv("KIP_TOKEN") != nullptr) {
    options.bearer_token = std::getenv("KIP_TOKEN");
  }
  if (!connection["ca-cert"].empty()) {
    auto ca = kip::ReadFileToString(connection["ca-cert"]);
    if (!ca.ok()) {
      std::fprintf(stderr, "kipctl: --ca-cert: %s\n",
                   std::string(ca.status().message()).c_str());
      return 2;
    }
    options.root_certs_pem = *ca;
  }
  if (words[0] == "sessions")
    return kip::kipctl::RunSessionsCommand(words[1], rest, options);
  if (words[0] == "safety")
    return kip::kipctl::RunSafetyCommand(words[1], rest, options);
  if (words[0] == "gateway")
    return kip::kipctl::RunGatewayCommand(words[1], rest, options);
  if (words[0] == "dosing") {
    kip::DosingClient dosing(kip::MakeDosingConnection(options));
    return kip::kipctl::RunDosingCommand(words[1], rest, dosing);
  }
  kip::AnalyticsClient analytics(kip::MakeAnalyticsConnection(options));
  return kip::kipctl::RunAnalyticsCommand(words[1], rest, analytics);
}
