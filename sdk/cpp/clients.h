// The KIP C++ clients, shaped like google-cloud-cpp: a client forwards to a
// connection (abstract, one virtual per RPC returning absl::StatusOr, so apps
// mock it: see sdk/cpp/mocks), which owns the gRPC stub. No exceptions cross
// the API; every object is thread-safe and holds no global state.
//
//   kip::ConnectionOptions options;
//   options.target = "dns:///dosing.kip.svc:50051";
//   options.bearer_token = token;
//   kip::DosingClient dosing(kip::MakeDosingConnection(options));
//   absl::StatusOr<kip::dosing::v1::PlanCourseResponse> plan =
//   dosing.PlanCourse(request);
#ifndef KIP_SDK_CPP_CLIENTS_H_
#define KIP_SDK_CPP_CLIENTS_H_

#include <memory>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "kip/analytics/v1/analytics.pb.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "sdk/cpp/connection_options.h"

// X(Method) lists of the unary RPCs the clients expose.
#define KIP_DOSING_RPCS(X) \
  X(ListProtocols)         \
  X(GetProtocol)           \
  X(PlanCourse) X(ValidateProgram) X(ProposeTitration) X(PredictConcentration)
#define KIP_SESSIONS_RPCS(X)                                                   \
  X(CreateStudy)                                                               \
  X(GetStudy)                                                                  \
  X(ListStudies)                                                               \
  X(EnrollPatient) X(GetPatient) X(StartSession) X(GetSession) X(ListSessions) \
      X(AppendEvents) X(GetCumulativeDose) X(VerifySession) X(GetCheckpoint)   \
          X(GetInclusionProof) X(GetConsistencyProof) X(ListReadAudit)
#define KIP_ANALYTICS_RPCS(X) \
  X(RunMetaAnalysis)          \
  X(ComputeStudyOutcomes)     \
  X(AnalyzeBaselinePredictors) X(RenderForestPlot) X(RenderFunnelPlot)

namespace kip {

#define KIP_CONNECTION_METHOD(ns, Method)              \
  virtual absl::StatusOr<ns::Method##Response> Method( \
      const ns::Method##Request& request) = 0;
#define KIP_CLIENT_METHOD(ns, Method)                                         \
  absl::StatusOr<ns::Method##Response> Method(const ns::Method##Request& r) { \
    return connection_->Method(r);                                            \
  }

#define KIP_DOSING_CONNECTION_METHOD(M) KIP_CONNECTION_METHOD(dosing::v1, M)
#define KIP_SESSIONS_CONNECTION_METHOD(M) KIP_CONNECTION_METHOD(sessions::v1, M)
#define KIP_ANALYTICS_CONNECTION_METHOD(M) \
  KIP_CONNECTION_METHOD(analytics::v1, M)
#define KIP_DOSING_CLIENT_METHOD(M) KIP_CLIENT_METHOD(dosing::v1, M)
#define KIP_SESSIONS_CLIENT_METHOD(M) KIP_CLIENT_METHOD(sessions::v1, M)
#define KIP_ANALYTICS_CLIENT_METHOD(M) KIP_CLIENT_METHOD(analytics::v1, M)

class DosingConnection {
 public:
  virtual ~DosingConnection() = default;
  // The network is back: reconnect now rather than after gRPC's backoff.
  virtual void ResetConnectionBackoff() {}
  KIP_DOSING_RPCS(KIP_DOSING_CONNECTION_METHOD)
};

class SessionLogConnection {
 public:
  virtual ~SessionLogConnection() = default;
  // The network is back: reconnect now rather than after gRPC's backoff.
  virtual void ResetConnectionBackoff() {}
  KIP_SESSIONS_RPCS(KIP_SESSIONS_CONNECTION_METHOD)
};

class AnalyticsConnection {
 public:
  virtual ~AnalyticsConnection() = default;
  // The network is back: reconnect now rather than after gRPC's backoff.
  virtual void ResetConnectionBackoff() {}
  KIP_ANALYTICS_RPCS(KIP_ANALYTICS_CONNECTION_METHOD)
};

// Every KIP RPC is idempotent by design (reads, or writes keyed by client ids),
// so all are retried on UNAVAILABLE unless `idempotent_methods` says otherwise.
std::shared_ptr<DosingConnection> MakeDosingConnection(
    ConnectionOptions options, std::set<std::string> idempotent_methods = {});
std::shared_ptr<SessionLogConnection> MakeSessionLogConnection(
    ConnectionOptions options, std::set<std::string> idempotent_methods = {});
std::shared_ptr<AnalyticsConnection> MakeAnalyticsConnection(
    ConnectionOptions options, std::set<std::string> idempotent_methods = {});

class DosingClient {
 public:
  explicit DosingClient(std::shared_ptr<DosingConnection> connection)
      : connection_(std::move(connection)) {}
  KIP_DOSING_RPCS(KIP_DOSING_CLIENT_METHOD)

 private:
  std::shared_ptr<DosingConnection> connection_;
};

class AnalyticsClient {
 public:
  explicit AnalyticsClient(std::shared_ptr<AnalyticsConnection> connection)
      : connection_(std::move(connection)) {}
  KIP_ANALYTICS_RPCS(KIP_ANALYTICS_CLIENT_METHOD)

 private:
  std::shared_ptr<AnalyticsConnection> connection_;
};

}  // namespace kip

#endif  // KIP_SDK_CPP_CLIENTS_H_
