// kip_health_probe: exits 0 when a server's standard health service reports
// SERVING (for `./kip up` and scripts; Kubernetes uses native grpc probes).
//   kip_health_probe --addr=127.0.0.1:50051
//   [--service=kip.dosing.v1.DosingService]
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "base/file_util.h"
#include "grpc/health/v1/health.grpc.pb.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051", "host:port of the server");
ABSL_FLAG(std::string, service, "", "service name; empty = the whole server");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(2), "deadline of the check");
ABSL_FLAG(std::string, ca_cert, "",
          "PEM CA to verify a TLS server (enables TLS)");
ABSL_FLAG(std::string, client_cert, "", "PEM client certificate for mTLS");
ABSL_FLAG(std::string, client_key, "", "PEM client key for mTLS");

namespace {

std::string ReadFileOrEmpty(const std::string& path) {
  if (path.empty()) return "";
  return kip::ReadFileToString(path).value_or("");
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Checks a gRPC server's health; exit 0 = SERVING.");
  absl::ParseCommandLine(argc, argv);
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (!absl::GetFlag(FLAGS_ca_cert).empty()) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = ReadFileOrEmpty(absl::GetFlag(FLAGS_ca_cert));
    tls.pem_cert_chain = ReadFileOrEmpty(absl::GetFlag(FLAGS_client_cert));
    tls.pem_private_key = ReadFileOrEmpty(absl::GetFlag(FLAGS_client_key));
    credentials = grpc::SslCredentials(tls);
  }
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_addr), credentials));
  grpc::ClientContext context;
  context.set_deadline(
      std::chrono::system_clock::now() +
      absl::ToChronoMilliseconds(absl::GetFlag(FLAGS_timeout)));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(absl::GetFlag(FLAGS_service));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", absl::GetFlag(FLAGS_addr).c_str(),
                 status.error_message().c_str());
    return 2;
  }
  const std::string name =
      grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
          response.status());
  std::printf("%s\n", name.c_str());
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? 0
             : 1;
}
