// The DosingService client of the KIP SDK: DosingConnection (one virtual per
// RPC, written out; gMock version in sdk/cpp/mocks) and DosingClient, which
// forwards each call with its per-call options. Shaped like google-cloud-cpp;
// no exceptions cross the API; thread-safe, no global state.
#ifndef KIP_SDK_CPP_DOSING_CLIENT_H_
#define KIP_SDK_CPP_DOSING_CLIENT_H_

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "sdk/cpp/connection_options.h"

namespace kip {

// kip.dosing.v1.DosingService: one virtual per RPC; MakeXConnection gives the
// gRPC one, sdk/cpp/mocks a gMock one.
class DosingConnection {
 public:
  virtual ~DosingConnection() = default;
  // The network is back: reconnect now rather than after gRPC's backoff.
  virtual void ResetConnectionBackoff() {}

  // The protocols in the library (summaries).
  virtual absl::StatusOr<dosing::v1::ListProtocolsResponse> ListProtocols(
      const dosing::v1::ListProtocolsRequest& request,
      const CallOptions& call) = 0;
  // One protocol in full.
  virtual absl::StatusOr<dosing::v1::GetProtocolResponse> GetProtocol(
      const dosing::v1::GetProtocolRequest& request,
      const CallOptions& call) = 0;
  // A course of sessions with rate steps, totals, volumes and a PK curve.
  virtual absl::StatusOr<dosing::v1::PlanCourseResponse> PlanCourse(
      const dosing::v1::PlanCourseRequest& request,
      const CallOptions& call) = 0;
  // Checks a pump program against protocol (soft) and drug-library (hard)
  // limits.
  virtual absl::StatusOr<dosing::v1::ValidateProgramResponse> ValidateProgram(
      const dosing::v1::ValidateProgramRequest& request,
      const CallOptions& call) = 0;
  // Next titration step from the current rate and observations.
  virtual absl::StatusOr<dosing::v1::ProposeTitrationResponse> ProposeTitration(
      const dosing::v1::ProposeTitrationRequest& request,
      const CallOptions& call) = 0;
  // Plasma concentration over time for a rate schedule.
  virtual absl::StatusOr<dosing::v1::PredictConcentrationResponse>
  PredictConcentration(const dosing::v1::PredictConcentrationRequest& request,
                       const CallOptions& call) = 0;
};

// The gRPC connection to DosingService, retrying UNAVAILABLE on the methods the
// retry policy names (sdk/cpp/retry_policy.h).
std::shared_ptr<DosingConnection> MakeDosingConnection(
    ConnectionOptions options);
// As above with the retried methods given; they must be methods of the
// service (InvalidArgument otherwise).
absl::StatusOr<std::shared_ptr<DosingConnection>> MakeDosingConnection(
    ConnectionOptions options, const std::set<std::string>& retried_methods);

// The DosingService client: each method forwards to the connection with the
// call's options (deadline, token, metadata), defaulting to the connection's.
class DosingClient {
 public:
  explicit DosingClient(std::shared_ptr<DosingConnection> connection)
      : connection_(std::move(connection)) {}

  // The protocols in the library (summaries).
  absl::StatusOr<dosing::v1::ListProtocolsResponse> ListProtocols(
      const dosing::v1::ListProtocolsRequest& request,
      const CallOptions& call = {}) {
    return connection_->ListProtocols(request, call);
  }
  // One protocol in full.
  absl::StatusOr<dosing::v1::GetProtocolResponse> GetProtocol(
      const dosing::v1::GetProtocolRequest& request,
      const CallOptions& call = {}) {
    return connection_->GetProtocol(request, call);
  }
  // A course of sessions with rate steps, totals, volumes and a PK curve.
  absl::StatusOr<dosing::v1::PlanCourseResponse> PlanCourse(
      const dosing::v1::PlanCourseRequest& request,
      const CallOptions& call = {}) {
    return connection_->PlanCourse(request, call);
  }
  // Checks a pump program against protocol (soft) and drug-library (hard)
  // limits.
  absl::StatusOr<dosing::v1::ValidateProgramResponse> ValidateProgram(
      const dosing::v1::ValidateProgramRequest& request,
      const CallOptions& call = {}) {
    return connection_->ValidateProgram(request, call);
  }
  // Next titration step from the current rate and observations.
  absl::StatusOr<dosing::v1::ProposeTitrationResponse> ProposeTitration(
      const dosing::v1::ProposeTitrationRequest& request,
      const CallOptions& call = {}) {
    return connection_->ProposeTitration(request, call);
  }
  // Plasma concentration over time for a rate schedule.
  absl::StatusOr<dosing::v1::PredictConcentrationResponse> PredictConcentration(
      const dosing::v1::PredictConcentrationRequest& request,
      const CallOptions& call = {}) {
    return connection_->PredictConcentration(request, call);
  }

 private:
  std::shared_ptr<DosingConnection> connection_;
};

}  // namespace kip

#endif  // KIP_SDK_CPP_DOSING_CLIENT_H_
