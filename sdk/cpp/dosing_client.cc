#include "sdk/cpp/dosing_client.h"

#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "sdk/cpp/call.h"
#include "sdk/cpp/retry_policy.h"

namespace kip {
namespace {

class GrpcDosingConnection final : public DosingConnection {
 public:
  GrpcDosingConnection(ConnectionOptions options, std::set<std::string> retried)
      : options_(std::move(options)),
        channel_(MakeChannel(
            options_, dosing::v1::DosingService::service_full_name(), retried)),
        stub_(dosing::v1::DosingService::NewStub(channel_)) {}
  void ResetConnectionBackoff() override {
    grpc::experimental::ChannelResetConnectionBackoff(channel_.get());
  }

  absl::StatusOr<dosing::v1::ListProtocolsResponse> ListProtocols(
      const dosing::v1::ListProtocolsRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::ListProtocols, request);
  }
  absl::StatusOr<dosing::v1::GetProtocolResponse> GetProtocol(
      const dosing::v1::GetProtocolRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::GetProtocol, request);
  }
  absl::StatusOr<dosing::v1::PlanCourseResponse> PlanCourse(
      const dosing::v1::PlanCourseRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::PlanCourse, request);
  }
  absl::StatusOr<dosing::v1::ValidateProgramResponse> ValidateProgram(
      const dosing::v1::ValidateProgramRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::ValidateProgram, request);
  }
  absl::StatusOr<dosing::v1::ProposeTitrationResponse> ProposeTitration(
      const dosing::v1::ProposeTitrationRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::ProposeTitration, request);
  }
  absl::StatusOr<dosing::v1::PredictConcentrationResponse> PredictConcentration(
      const dosing::v1::PredictConcentrationRequest& request,
      const CallOptions& call) override {
    return Unary(options_, call, stub_.get(), &Stub::PredictConcentration,
                 request);
  }

 private:
  using Stub = dosing::v1::DosingService::Stub;
  ConnectionOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace

std::shared_ptr<DosingConnection> MakeDosingConnection(
    ConnectionOptions options) {
  return std::make_shared<GrpcDosingConnection>(
      std::move(options),
      RetriedMethods(dosing::v1::DosingService::service_full_name()));
}

absl::StatusOr<std::shared_ptr<DosingConnection>> MakeDosingConnection(
    ConnectionOptions options, const std::set<std::string>& retried_methods) {
  absl::Status known = CheckMethodsExist(
      dosing::v1::DosingService::service_full_name(), retried_methods);
  if (!known.ok()) return known;
  return std::make_shared<GrpcDosingConnection>(std::move(options),
                                                retried_methods);
}

}  // namespace kip
