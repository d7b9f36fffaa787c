#include "services/dosing/dosing_service.h"

#include "base/status_macros.h"
#include "services/dosing/access_policy.h"
#include "services/dosing/core/course_planner.h"
#include "services/dosing/core/dosing_context.h"
#include "services/dosing/core/pk_model.h"
#include "services/dosing/core/program_check.h"
#include "services/dosing/core/titration.h"

namespace kip::dosing {

namespace v1 = kip::dosing::v1;

DosingServiceImpl::DosingServiceImpl(const Authenticator& authenticator,
                                     const ProtocolLibrary& library,
                                     const SessionsDoseClient* doses)
    : guard_(authenticator, DosingAccessPolicy()),
      library_(library),
      doses_(doses) {}

grpc::ServerUnaryReactor* DosingServiceImpl::ListProtocols(
    grpc::CallbackServerContext* context,
    const v1::ListProtocolsRequest* /*request*/,
    v1::ListProtocolsResponse* response) {
  return guard_.Unary(context, "ListProtocols", [&](const Principal&) {
    *response->mutable_library() = library_.version();
    *response->mutable_drug_library() = library_.drug_library();
    for (const v1::Protocol& protocol : library_.protocols()) {
      v1::ProtocolSummary* summary = response->add_protocols();
      summary->set_id(protocol.id());
      summary->set_title(protocol.title());
      summary->set_dosing_mode(protocol.dosing_mode());
      *summary->mutable_rate() = protocol.rate();
      *summary->mutable_indications() = protocol.indications();
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DosingServiceImpl::GetProtocol(
    grpc::CallbackServerContext* context, const v1::GetProtocolRequest* request,
    v1::GetProtocolResponse* response) {
  return guard_.Unary(context, "GetProtocol", [&](const Principal&) {
    KIP_ASSIGN_OR_RETURN(protocol,
                         FindProtocol(library_, request->protocol_id()));
    *response->mutable_library() = library_.version();
    *response->mutable_protocol() = *protocol;
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DosingServiceImpl::PlanCourse(
    grpc::CallbackServerContext* context, const v1::PlanCourseRequest* request,
    v1::PlanCourseResponse* response) {
  return guard_.Unary(context, "PlanCourse", [&](const Principal&) {
    KIP_ASSIGN_OR_RETURN(
        plan, kip::dosing::PlanCourse(library_, *request, absl::Now()));
    *response = std::move(plan);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DosingServiceImpl::ValidateProgram(
    grpc::CallbackServerContext* context,
    const v1::ValidateProgramRequest* request,
    v1::ValidateProgramResponse* response) {
  return guard_.Unary(context, "ValidateProgram", [&](const Principal&) {
    std::unique_ptr<CumulativeDoseSource> doses =
        doses_ != nullptr ? doses_->ForCaller(CallerBearerToken(context))
                          : nullptr;
    KIP_ASSIGN_OR_RETURN(
        verdict, kip::dosing::ValidateProgram(library_, *request, doses.get(),
                                              absl::Now()));
    if (!request->session_id().empty() && verdict.verdict() != v1::OK &&
        doses_ != nullptr) {
      KIP_RETURN_IF_ERROR(
          doses_->RecordAlert(CallerBearerToken(context), *request, verdict));
    }
    *response = std::move(verdict);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DosingServiceImpl::ProposeTitration(
    grpc::CallbackServerContext* context,
    const v1::ProposeTitrationRequest* request,
    v1::ProposeTitrationResponse* response) {
  return guard_.Unary(context, "ProposeTitration", [&](const Principal&) {
    KIP_ASSIGN_OR_RETURN(proposal,
                         kip::dosing::ProposeTitration(library_, *request));
    *response = std::move(proposal);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DosingServiceImpl::PredictConcentration(
    grpc::CallbackServerContext* context,
    const v1::PredictConcentrationRequest* request,
    v1::PredictConcentrationResponse* response) {
  return guard_.Unary(context, "PredictConcentration", [&](const Principal&) {
    KIP_ASSIGN_OR_RETURN(prediction,
                         kip::dosing::PredictConcentration(*request));
    *response = std::move(prediction);
    return absl::OkStatus();
  });
}

}  // namespace kip::dosing
