// kipctl: the command line for KIP. `kipctl [--token T] [--dosing ADDR]
// [--ca-cert PEM] dosing protocols|plan|validate|pk ...`; see --help.
#include <cstdio>
#include <string>
#include <vector>

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

Connection: --token JWT (or $KIP_TOKEN), --dosing ADDR (127.0.0.1:50051),
--ca-cert PEM (TLS; plaintext without). Exit status: 0 ok, 2 invalid input,
1 other failures. Every dosing number needs clinical sign-off.
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::vector<std::string> words;
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h" || arg == "help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  // Connection options may appear anywhere; the first two bare words name the
  // command.
  auto parsed = kip::kipctl::Args::Parse(args,
                                         {"token",
                                          "dosing",
                                          "sessions",
                                          "analytics",
                                          "ca-cert",
                                          "protocol",
                                          "weight-kg",
                                          "concentration-mg-per-ml",
                                          "care-area",
                                          "height-cm",
                                          "sex",
                                          "weight-basis",
                                          "pk-model",
                                          "rate-mg-per-h",
                                          "duration-min",
                                          "override-reason",
                                          "clinician",
                                          "bolus-mg",
                                          "session-id",
                                          "course-id",
                                          "model",
                                          "infusion",
                                          "at"},
                                         {"json"});
  if (!parsed.ok()) {
    std::fprintf(stderr, "kipctl: %s\n",
                 std::string(parsed.status().message()).c_str());
    return 2;
  }
  const auto& positional = parsed->positional();
  if (positional.size() != 2 || positional[0] != "dosing") {
    std::fputs(kUsage, stderr);
    return 2;
  }
  kip::kipctl::Connection connection;
  connection.token = parsed->Get("token");
  if (connection.token.empty() && std::getenv("KIP_TOKEN") != nullptr) {
    connection.token = std::getenv("KIP_TOKEN");
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (parsed->Has("ca-cert")) {
    auto ca = kip::ReadFileToString(parsed->Get("ca-cert"));
    if (!ca.ok()) {
      std::fprintf(stderr, "kipctl: --ca-cert: %s\n",
                   std::string(ca.status().message()).c_str());
      return 2;
    }
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = *ca;
    credentials = grpc::SslCredentials(options);
  }
  connection.channel = grpc::CreateChannel(
      parsed->Get("dosing", "127.0.0.1:50051"), credentials);
  std::vector<std::string> rest;
  bool skipped_words = false;
  int seen = 0;
  for (const std::string& arg : args) {
    if (!skipped_words && seen < 2 && arg == positional[seen]) {
      ++seen;
      skipped_words = seen == 2;
      continue;
    }
    rest.push_back(arg);
  }
  return kip::kipctl::RunDosingCommand(positional[1], rest, connection);
}
