#include "sdk/cpp/clients.h"

#include "kip/analytics/v1/analytics.grpc.pb.h"
#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "services/common/status_mapping.h"

namespace kip {
namespace {

// A blocking call with the options' deadline and token.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Call(const ConnectionOptions& options, Stub* stub,
                              grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                           const Request&,
                                                           Response*),
                              const Request& request) {
  absl::StatusOr<std::unique_ptr<grpc::ClientContext>> context =
      MakeContext(options);
  if (!context.ok()) return context.status();
  Response response;
  const grpc::Status status =
      (stub->*method)(context->get(), request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

#define KIP_GRPC_METHOD(ns, Method)                             \
  absl::StatusOr<ns::Method##Response> Method(                  \
      const ns::Method##Request& request) override {            \
    return Call(options_, stub_.get(), &Stub::Method, request); \
  }
#define KIP_NAME(Method) #Method,

#define KIP_GRPC_CONNECTION(Name, Base, ns, Service, RPCS, METHOD)         \
  class Name final : public Base {                                         \
   public:                                                                 \
    using Stub = ns::Service::Stub;                                        \
    Name(ConnectionOptions options, std::set<std::string> idempotent)      \
        : options_(std::move(options)),                                    \
          channel_(MakeChannel(options_, ns::Service::service_full_name(), \
                               idempotent.empty()                          \
                                   ? std::set<std::string>{RPCS(KIP_NAME)} \
                                   : idempotent)),                         \
          stub_(ns::Service::NewStub(channel_)) {}                         \
    void ResetConnectionBackoff() override {                               \
      grpc::experimental::ChannelResetConnectionBackoff(channel_.get());   \
    }                                                                      \
    RPCS(METHOD)                                                           \
                                                                           \
   private:                                                                \
    ConnectionOptions options_;                                            \
    std::shared_ptr<grpc::Channel> channel_;                               \
    std::unique_ptr<Stub> stub_;                                           \
  };

#define KIP_DOSING_GRPC_METHOD(M) KIP_GRPC_METHOD(dosing::v1, M)
#define KIP_SESSIONS_GRPC_METHOD(M) KIP_GRPC_METHOD(sessions::v1, M)
#define KIP_ANALYTICS_GRPC_METHOD(M) KIP_GRPC_METHOD(analytics::v1, M)

KIP_GRPC_CONNECTION(GrpcDosingConnection, DosingConnection, dosing::v1,
                    DosingService, KIP_DOSING_RPCS, KIP_DOSING_GRPC_METHOD)
KIP_GRPC_CONNECTION(GrpcSessionLogConnection, SessionLogConnection,
                    sessions::v1, SessionLogService, KIP_SESSIONS_RPCS,
                    KIP_SESSIONS_GRPC_METHOD)
KIP_GRPC_CONNECTION(GrpcAnalyticsConnection, AnalyticsConnection, analytics::v1,
                    AnalyticsService, KIP_ANALYTICS_RPCS,
                    KIP_ANALYTICS_GRPC_METHOD)

}  // namespace

std::shared_ptr<DosingConnection> MakeDosingConnection(
    ConnectionOptions options, std::set<std::string> idempotent) {
  return std::make_shared<GrpcDosingConnection>(std::move(options),
                                                std::move(idempotent));
}

std::shared_ptr<SessionLogConnection> MakeSessionLogConnection(
    ConnectionOptions options, std::set<std::string> idempotent) {
  return std::make_shared<GrpcSessionLogConnection>(std::move(options),
                                                    std::move(idempotent));
}

std::shared_ptr<AnalyticsConnection> MakeAnalyticsConnection(
    ConnectionOptions options, std::set<std::string> idempotent) {
  return std::make_shared<GrpcAnalyticsConnection>(std::move(options),
                                                   std::move(idempotent));
}

}  // namespace kip
