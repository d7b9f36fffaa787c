#include "services/common/call_log_interceptor.h"

#include <grpcpp/server_context.h>

#include <nlohmann/json.hpp>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/status_mapping.h"

namespace kip {
namespace {

using grpc::experimental::InterceptionHookPoints;

class CallLogInterceptor : public grpc::experimental::Interceptor {
 public:
  CallLogInterceptor(grpc::experimental::ServerRpcInfo* info,
                     const std::string& server_name, FILE* out)
      : info_(info),
        server_name_(server_name),
        out_(out),
        start_(absl::Now()) {}

  ~CallLogInterceptor() override {
    // A call that never sent a status was cancelled or its deadline passed.
    if (!logged_) Log("CANCELLED");
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      Log(GrpcCodeName(methods->GetSendStatus().error_code()));
    }
    methods->Proceed();
  }

 private:
  void Log(const char* code) {
    logged_ = true;
    const absl::Time now = absl::Now();
    nlohmann::json line = {
        {"ts",
         absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone())},
        {"server", server_name_},
        {"method", info_->method() != nullptr ? info_->method() : ""},
        {"peer", info_->server_context()->peer()},
        {"code", code},
        {"latency_ms", absl::ToDoubleMilliseconds(now - start_)},
    };
    // One fprintf per line keeps concurrent lines whole.
    std::fprintf(
        out_, "%s\n",
        line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
            .c_str());
  }

  grpc::experimental::ServerRpcInfo* info_;
  const std::string& server_name_;
  FILE* out_;
  absl::Time start_;
  bool logged_ = false;
};

}  // namespace

grpc::experimental::Interceptor*
CallLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallLogInterceptor(info, server_name_, out_);
}

}  // namespace kip
