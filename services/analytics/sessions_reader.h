// Reads a study logged in the sessions service over gRPC, as the calling
// researcher (their token), with a deadline per call: its sessions (paged),
// each patient's record, and every session with its events.
#ifndef KIP_SERVICES_ANALYTICS_SESSIONS_READER_H_
#define KIP_SERVICES_ANALYTICS_SESSIONS_READER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "services/analytics/outcomes/study_outcomes.h"

namespace kip::analytics {

class SessionsReader {
 public:
  SessionsReader(std::shared_ptr<grpc::ChannelInterface> channel,
                 absl::Duration deadline);

  absl::StatusOr<std::vector<outcomes::LoggedPatient>> ReadStudy(
      const std::string& study_id, const std::string& bearer_token) const;

 private:
  std::unique_ptr<kip::sessions::v1::SessionLogService::Stub> stub_;
  absl::Duration deadline_;
};

}  // namespace kip::analytics

#endif  // KIP_SERVICES_ANALYTICS_SESSIONS_READER_H_
