// Logs one structured (JSON) line per call to stderr: time, service, method,
// peer, status code and latency. Installed on every KIP server by ServerCore.
#ifndef KIP_SERVICES_COMMON_CALL_LOG_INTERCEPTOR_H_
#define KIP_SERVICES_COMMON_CALL_LOG_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>

#include <cstdio>
#include <string>

namespace kip {

class CallLogInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `server_name` ("dosing", ...) tags every line; lines go to `out`.
  explicit CallLogInterceptorFactory(std::string server_name,
                                     FILE* out = stderr)
      : server_name_(std::move(server_name)), out_(out) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::string server_name_;
  FILE* out_;
};

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_CALL_LOG_INTERCEPTOR_H_
