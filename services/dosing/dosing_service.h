// kip.dosing.v1.DosingService adapter: authorization, request -> dosing core
// calls (with the caller's token for the cumulative-dose check), absl::Status
// -> gRPC status.
#ifndef KIP_SERVICES_DOSING_DOSING_SERVICE_H_
#define KIP_SERVICES_DOSING_DOSING_SERVICE_H_

#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "services/common/authenticator.h"
#include "services/common/rpc_guard.h"
#include "services/dosing/core/protocol_library.h"
#include "services/dosing/sessions_dose_client.h"

namespace kip::dosing {

class DosingServiceImpl final
    : public kip::dosing::v1::DosingService::CallbackService {
 public:
  // `doses` may be null: then checks of a running session fail closed.
  DosingServiceImpl(const Authenticator& authenticator,
                    const ProtocolLibrary& library,
                    const SessionsDoseClient* doses);

  grpc::ServerUnaryReactor* ListProtocols(
      grpc::CallbackServerContext* context,
      const kip::dosing::v1::ListProtocolsRequest* request,
      kip::dosing::v1::ListProtocolsResponse* response) override;
  grpc::ServerUnaryReactor* GetProtocol(
      grpc::CallbackServerContext* context,
      const kip::dosing::v1::GetProtocolRequest* request,
      kip::dosing::v1::GetProtocolResponse* response) override;
  grpc::ServerUnaryReactor* PlanCourse(
      grpc::CallbackServerContext* context,
      const kip::dosing::v1::PlanCourseRequest* request,
      kip::dosing::v1::PlanCourseResponse* response) override;
  grpc::ServerUnaryReactor* ValidateProgram(
      grpc::CallbackServerContext* context,
      const kip::dosing::v1::ValidateProgramRequest* request,
      kip::dosing::v1::ValidateProgramResponse* response) override;
  grpc::ServerUnaryReactor* ProposeTitration(
      grpc::CallbackServerContext* context,
      const kip::dosing::v1::ProposeTitrationRequest* request,
      kip::dosing::v1::ProposeTitrationResponse* response) override;
  grpc::ServerUnaryReactor* PredictConcentration(
      grpc::CallbackServerContext* context,
      const kip::dosing::v1::PredictConcentrationRequest* request,
      kip::dosing::v1::PredictConcentrationResponse* response) override;

 private:
  RpcGuard guard_;
  const ProtocolLibrary& library_;
  const SessionsDoseClient* doses_;
};

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_DOSING_SERVICE_H_
