#include "services/dosing/dosing_service.h"

#include "services/dosing/access_policy.h"

namespace kip::dosing {

namespace v1 = kip::dosing::v1;

DosingServiceImpl::DosingServiceImpl(const Authenticator& authenticator)
    : guard_(authenticator, DosingAccessPolicy()) {}

grpc::ServerUnaryReactor* DosingServiceImpl::ListProtocols(
    grpc::CallbackServerContext* context,
    const v1::ListProtocolsRequest* /*request*/,
    v1::ListProtocolsResponse* /*response*/) {
  return guard_.Unary(context, "ListProtocols", [](const Principal&) {
    return NotYetImplemented("ListProtocols", "issue #3");
  });
}

grpc::ServerUnaryReactor* DosingServiceImpl::GetProtocol(
    grpc::CallbackServerContext* context,
    const v1::GetProtocolRequest* /*request*/,
    v1::GetProtocolResponse* /*response*/) {
  return guard_.Unary(context, "GetProtocol", [](const Principal&) {
    return NotYetImplemented("GetProtocol", "issue #3");
  });
}

grpc::ServerUnaryReactor* DosingServiceImpl::PlanCourse(
    grpc::CallbackServerContext* context,
    const v1::PlanCourseRequest* /*request*/,
    v1::PlanCourseResponse* /*response*/) {
  return guard_.Unary(context, "PlanCourse", [](const Principal&) {
    return NotYetImplemented("PlanCourse", "issue #3");
  });
}

grpc::ServerUnaryReactor* DosingServiceImpl::ValidateProgram(
    grpc::CallbackServerContext* context,
    const v1::ValidateProgramRequest* /*request*/,
    v1::ValidateProgramResponse* /*response*/) {
  return guard_.Unary(context, "ValidateProgram", [](const Principal&) {
    return NotYetImplemented("ValidateProgram", "issue #3");
  });
}

grpc::ServerUnaryReactor* DosingServiceImpl::ProposeTitration(
    grpc::CallbackServerContext* context,
    const v1::ProposeTitrationRequest* /*request*/,
    v1::ProposeTitrationResponse* /*response*/) {
  return guard_.Unary(context, "ProposeTitration", [](const Principal&) {
    return NotYetImplemented("ProposeTitration", "issue #3");
  });
}

grpc::ServerUnaryReactor* DosingServiceImpl::PredictConcentration(
    grpc::CallbackServerContext* context,
    const v1::PredictConcentrationRequest* /*request*/,
    v1::PredictConcentrationResponse* /*response*/) {
  return guard_.Unary(context, "PredictConcentration", [](const Principal&) {
    return NotYetImplemented("PredictConcentration", "issue #3");
  });
}

}  // namespace kip::dosing
