// kip.dosing.v1.DosingService adapter: proto <-> protocol library and dose
// engine, status mapping. RPCs whose logic has not landed answer UNIMPLEMENTED.
#ifndef KIP_SERVICES_DOSING_DOSING_SERVICE_H_
#define KIP_SERVICES_DOSING_DOSING_SERVICE_H_

#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "services/common/authenticator.h"
#include "services/common/rpc_guard.h"

namespace kip::dosing {

class DosingServiceImpl final
    : public kip::dosing::v1::DosingService::CallbackService {
 public:
  explicit DosingServiceImpl(const Authenticator& authenticator);

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
};

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_DOSING_SERVICE_H_
