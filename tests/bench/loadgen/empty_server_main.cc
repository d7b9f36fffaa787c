// empty_server: the ceiling of the load benchmarks. It answers every method
// with an empty message at once, on the same gRPC build, thread model and
// loopback as the KIP servers, so "figure / ceiling" is what a KIP handler
// costs over gRPC itself.
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "host:port");
ABSL_FLAG(std::string, port_file, "", "write the bound port here");

namespace {

// Reads the request, answers with nothing, finishes OK.
class EmptyReactor final : public grpc::ServerGenericBidiReactor {
 public:
  EmptyReactor() {
    grpc::Slice empty("");
    response_ = grpc::ByteBuffer(&empty, 1);
    StartRead(&request_);
  }
  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status::OK);
      return;
    }
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer request_, response_;
};

class EmptyService final : public grpc::CallbackGenericService {
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext*) override {
    return new EmptyReactor;
  }
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  EmptyService service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen),
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterCallbackGenericService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "empty_server: cannot listen\n");
    return 1;
  }
  if (!absl::GetFlag(FLAGS_port_file).empty()) {
    const std::string tmp = absl::GetFlag(FLAGS_port_file) + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), absl::GetFlag(FLAGS_port_file).c_str());
  }
  std::fprintf(stderr, "empty_server: serving on port %d\n", port);
  server->Wait();
  return 0;
}
