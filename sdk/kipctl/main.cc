// kipctl: the command line for KIP. `kipctl [--token T] [--dosing ADDR]
// [--ca-cert PEM] dosing protocols|plan|validate|pk ...`; see --help.
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sdk/kipctl/analytics_commands.h"
#include "sdk/kipctl/args.h"
#include "sdk/kipctl/dosing_commands.h"
#include "services/common/file_util.h"

namespace {

constexpr char kUsage[] = R"(kipctl: the KIP command line

  kipctl dosing protocols [--json]
  kipctl dosing plan --protocol ID --weight-kg W --concentration-mg-per-ml C
      [--care-area AREA] [--height-cm H --sex F|M] [--json]
  kipctl dosing validate --protocol ID --weight-kg W --concentration-mg-per-ml C
      --rate-mg-per-h R --duration-min D [--care-area AREA]
      [--override-reason TEXT --clinician ID] [--json]
  kipctl dosing pk --model domino|clements|hijazi|kamp --weight-kg W
      --infusion START_MIN-END_MIN:RATE_MG_PER_H [--infusion ...] --at MIN[,MIN...] [--json]
  kipctl analytics meta --data FILE.csv --measure MD|SMD|RR|OR|RD|PETO_OR
      --method IV|MH|PETO --model fixed|random [--tau2 DL|REML|ML|PM|HE|SJ] [--hksj]
      [--convention revman5|metafor] [--by-subgroup] [--json] [--forest out.svg]
      [--funnel out.svg] [--leave-one-out] [--egger]

Connection: --token JWT (or $KIP_TOKEN), --dosing ADDR (127.0.0.1:50051),
--analytics ADDR (127.0.0.1:50053),
--ca-cert PEM (TLS; plaintext without). Exit status: 0 ok, 2 invalid input,
1 other failures. Every dosing number needs clinical sign-off.
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h" || arg == "help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  // Connection options may come anywhere; the first two bare words name the
  // command (they come before the command's own options).
  static const std::set<std::string> kValued = {"token", "dosing", "sessions",
                                                "analytics", "ca-cert"};
  std::vector<std::string> words, rest;
  std::map<std::string, std::string> connection_options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) == 0) {
      const size_t eq = arg.find('=');
      const std::string name =
          arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (kValued.count(name)) {
        if (eq != std::string::npos) {
          connection_options[name] = arg.substr(eq + 1);
        } else if (i + 1 < args.size()) {
          connection_options[name] = args[++i];
        }
        continue;
      }
      rest.push_back(arg);
      continue;
    }
    if (words.size() < 2) {
      words.push_back(arg);
    } else {
      rest.push_back(arg);
    }
  }
  if (words.size() != 2 || (words[0] != "dosing" && words[0] != "analytics")) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  kip::kipctl::Connection connection;
  connection.token = connection_options["token"];
  if (connection.token.empty() && std::getenv("KIP_TOKEN") != nullptr) {
    connection.token = std::getenv("KIP_TOKEN");
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (!connection_options["ca-cert"].empty()) {
    auto ca = kip::ReadFileToString(connection_options["ca-cert"]);
    if (!ca.ok()) {
      std::fprintf(stderr, "kipctl: --ca-cert: %s\n",
                   std::string(ca.status().message()).c_str());
      return 2;
    }
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = *ca;
    credentials = grpc::SslCredentials(options);
  }
  if (words[0] == "dosing") {
    const std::string address = connection_options["dosing"].empty()
                                    ? "127.0.0.1:50051"
                                    : connection_options["dosing"];
    connection.channel = grpc::CreateChannel(address, credentials);
    return kip::kipctl::RunDosingCommand(words[1], rest, connection);
  }
  const std::string address = connection_options["analytics"].empty()
                                  ? "127.0.0.1:50053"
                                  : connection_options["analytics"];
  connection.channel = grpc::CreateChannel(address, credentials);
  return kip::kipctl::RunAnalyticsCommand(words[1], rest, connection);
}
