// PlanCourse and ValidateProgram calls per second on a real dosing_server,
// beside the gRPC health check (an empty handler) measured in the same run,
// as a ratio. 8 concurrent clients, one channel, a token minted once.
//
//   bazel run -c opt //tests/bench:dosing_bench [-- --seconds=3]
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "services/common/testing/test_pki.h"
#include "services/common/token_signer.h"
#include "tests/integration/server_process.h"

ABSL_FLAG(double, seconds, 3, "measuring time per figure");

namespace kip {
namespace {

namespace v1 = kip::dosing::v1;
constexpr int kClients = 8;

double CallsPerSecond(const std::function<bool()>& call) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> calls{0}, failures{0};
  std::vector<std::thread> threads;
  const absl::Time start = absl::Now();
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&] {
      while (!stop) (call() ? calls : failures)++;
    });
  }
  absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_seconds)));
  stop = true;
  for (std::thread& t : threads) t.join();
  if (failures > 0)
    std::fprintf(stderr, "%ld calls failed\n",
                 static_cast<long>(failures.load()));
  return calls / absl::ToDoubleSeconds(absl::Now() - start);
}

int Main() {
  testing::KeyPair keys = testing::NewEcP256KeyPair();
  auto signer = TokenSigner::FromPrivateKeyPem(keys.private_pem);
  const std::string token =
      *signer->Sign({"pump-1", "device", "site-a", absl::Now() + absl::Hours(1),
                     std::nullopt});
  auto server = testing::ServerProcess::Start(
      "services/dosing/dosing_server",
      {"--auth_public_key=" +
           testing::WriteTempFile("auth.pub", keys.public_pem),
       "--sessions_address="},
      "dosing-bench");
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  auto channel = grpc::CreateChannel(server->address(),
                                     grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  auto dosing = v1::DosingService::NewStub(channel);

  v1::PlanCourseRequest plan;
  plan.set_protocol_id("bosma-2018");
  plan.mutable_patient()->set_weight_kg(70);
  plan.set_concentration_mg_per_ml(1);
  plan.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
  v1::ValidateProgramRequest program;
  program.set_protocol_id("bosma-2018");
  program.mutable_patient()->set_weight_kg(70);
  program.set_concentration_mg_per_ml(1);
  program.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
  program.mutable_program()->set_rate_mg_per_h(70);
  program.mutable_program()->set_duration_min(60);

  const double empty = CallsPerSecond([&] {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckResponse response;
    return health->Check(&context, {}, &response).ok();
  });
  const double plans = CallsPerSecond([&] {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    v1::PlanCourseResponse response;
    return dosing->PlanCourse(&context, plan, &response).ok();
  });
  const double checks = CallsPerSecond([&] {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    v1::ValidateProgramResponse response;
    return dosing->ValidateProgram(&context, program, &response).ok();
  });
  std::printf("dosing_server, %d concurrent clients\n", kClients);
  std::printf("%-34s %12s %8s\n", "call", "calls/s", "ratio");
  std::printf("%-34s %12.0f %7.0f%%\n", "empty handler (health check)", empty,
              100.0);
  std::printf("%-34s %12.0f %7.0f%%\n", "PlanCourse (bosma-2018, PK curve)",
              plans, 100 * plans / empty);
  std::printf("%-34s %12.0f %7.0f%%\n", "ValidateProgram (no session)", checks,
              100 * checks / empty);
  return 0;
}

}  // namespace
}  // namespace kip

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return kip::Main();
}
