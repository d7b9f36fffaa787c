// The KIP C++ clients, shaped like google-cloud-cpp: a client forwards to a
// connection (abstract, one virtual per RPC returning absl::StatusOr, so apps
// mock it: see sdk/cpp/mocks), which owns the gRPC stub. Every method takes
// per-call options (deadline, token, metadata). No exceptions cross the API;
// every object is thread-safe and holds no global state.
//
//   kip::ConnectionOptions options;
//   options.target = "dns:///dosing.kip.svc:50051";
//   options.bearer_token = token;
//   kip::DosingClient dosing(kip::MakeDosingConnection(options));
//   absl::StatusOr<kip::dosing::v1::PlanCourseResponse> plan =
//       dosing.PlanCourse(request);
//   kip::CallOptions call;
//   call.timeout = absl::Seconds(2);
//   auto checked = dosing.ValidateProgram(program, call);
#ifndef KIP_SDK_CPP_CLIENTS_H_
#define KIP_SDK_CPP_CLIENTS_H_

#include "sdk/cpp/analytics_client.h"
#include "sdk/cpp/dosing_client.h"
#include "sdk/cpp/gateway_client.h"
#include "sdk/cpp/sessions_client.h"

#endif  // KIP_SDK_CPP_CLIENTS_H_
