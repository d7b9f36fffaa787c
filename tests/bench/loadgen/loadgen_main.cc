// loadgen: drive one KIP RPC on a local server and compare it with an empty
// gRPC handler measured in the same run.
//
//   bazel run -c opt //tests/bench/loadgen --
//     --target=127.0.0.1:50051
//     --method=/kip.dosing.v1.DosingService/ValidateProgram
//     --request='protocol_id: "bosma-2018" patient { weight_kg: 70 } ...'
//     --token_file=$PWD/.kip/tokens/device.jwt [--concurrency=8 | --rate=2000]
#include <cstdio>
#include <optional>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "base/file_util.h"
#include "tests/bench/loadgen/load_generator.h"
#include "tests/bench/loadgen/request_text.h"
#include "tests/integration/server_process.h"

ABSL_FLAG(std::string, target, "", "loopback host:port of the server");
ABSL_FLAG(std::string, method, "", "/package.Service/Method");
ABSL_FLAG(std::string, request, "", "the request, protobuf text format");
ABSL_FLAG(std::string, token, "", "bearer token");
ABSL_FLAG(std::string, token_file, "", "file holding the bearer token");
ABSL_FLAG(int, concurrency, 8, "calls in flight (closed loop)");
ABSL_FLAG(double, rate, 0, "calls per second (open loop) instead");
ABSL_FLAG(double, seconds, 3, "measuring time");
ABSL_FLAG(bool, ceiling, true, "also measure an empty handler (same load)");

namespace {

void Print(const char* what, const kip::loadgen::LoadResult& r) {
  std::printf(
      "%-14s %10.0f calls/s  p50 %7.3f  p90 %7.3f  p99 %7.3f  "
      "p99.9 %7.3f ms  errors %ld\n",
      what, r.calls_per_s, absl::ToDoubleMilliseconds(r.p50),
      absl::ToDoubleMilliseconds(r.p90), absl::ToDoubleMilliseconds(r.p99),
      absl::ToDoubleMilliseconds(r.p999), static_cast<long>(r.errors));
  if (r.issue_lag_p99 > absl::ZeroDuration()) {
    std::printf("               sent late by the generator: p99 %.3f ms\n",
                absl::ToDoubleMilliseconds(r.issue_lag_p99));
  }
  if (!r.first_error.empty()) {
    std::printf("               first error: %s\n", r.first_error.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "loadgen --target=127.0.0.1:PORT --method=/... "
      "--request=TEXTPROTO [--token_file=F]");
  absl::ParseCommandLine(argc, argv);
  kip::loadgen::LoadSpec spec;
  spec.target = absl::GetFlag(FLAGS_target);
  spec.method = absl::GetFlag(FLAGS_method);
  spec.concurrency = absl::GetFlag(FLAGS_concurrency);
  spec.rate_per_s = absl::GetFlag(FLAGS_rate);
  spec.duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  spec.bearer_token = absl::GetFlag(FLAGS_token);
  if (!absl::GetFlag(FLAGS_token_file).empty()) {
    auto token = kip::ReadFileToString(absl::GetFlag(FLAGS_token_file));
    if (!token.ok()) {
      std::fprintf(stderr, "loadgen: --token_file: %s\n",
                   std::string(token.status().message()).c_str());
      return 2;
    }
    spec.bearer_token = std::string(absl::StripAsciiWhitespace(*token));
  }
  auto request =
      kip::loadgen::SerializeRequest(spec.method, absl::GetFlag(FLAGS_request));
  if (!request.ok()) {
    std::fprintf(stderr, "loadgen: %s\n",
                 std::string(request.status().message()).c_str());
    return 2;
  }
  spec.request_bytes = *request;
  std::optional<kip::loadgen::LoadResult> ceiling;
  if (absl::GetFlag(FLAGS_ceiling)) {
    auto empty = kip::testing::ServerProcess::Start(
        "tests/bench/loadgen/empty_server", {}, "empty-server");
    if (!empty.ok()) {
      std::fprintf(stderr, "loadgen: %s\n", empty.status().ToString().c_str());
      return 1;
    }
    kip::loadgen::LoadSpec empty_spec = spec;
    empty_spec.target = empty->address();
    empty_spec.method = "/kip.bench.Empty/Call";  // same request bytes
    auto measured = kip::loadgen::RunLoad(empty_spec);
    if (!measured.ok()) {
      std::fprintf(stderr, "loadgen: %s\n",
                   std::string(measured.status().message()).c_str());
      return 2;
    }
    ceiling = *measured;
    Print("empty handler", *ceiling);
  }
  auto result = kip::loadgen::RunLoad(spec);
  if (!result.ok()) {
    std::fprintf(stderr, "loadgen: %s\n",
                 std::string(result.status().message()).c_str());
    return 2;
  }
  Print(spec.method.substr(spec.method.rfind('/') + 1).c_str(), *result);
  if (ceiling.has_value() && ceiling->calls_per_s > 0) {
    std::printf("ratio to the empty handler: %.0f%%\n",
                100 * result->calls_per_s / ceiling->calls_per_s);
  }
  return result->errors > 0 ? 1 : 0;
}
