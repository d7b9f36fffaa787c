// A session already under way in a real sessions server, for tests of what
// dosing does with the dose a patient has received.
#ifndef KIP_TESTS_INTEGRATION_RUNNING_SESSION_H_
#define KIP_TESTS_INTEGRATION_RUNNING_SESSION_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"

namespace kip::testing {

// Builds a client context carrying a token for `role`.
using ContextForRole =
    std::function<std::unique_ptr<grpc::ClientContext>(const std::string&)>;

// Creates study S1 (allowing `protocol_id` when not empty) and enrolls
// patient P1 in it.
absl::Status CreateStudyS1WithPatientP1(
    kip::sessions::v1::SessionLogService::Stub& stub, const ContextForRole& as,
    const std::string& protocol_id = "");

// Starts a session of S1/P1 as a device; returns its id.
absl::StatusOr<std::string> StartSessionOfP1(
    kip::sessions::v1::SessionLogService::Stub& stub, const ContextForRole& as,
    const std::string& protocol_id = "");

// Creates study S1 (protocol bosma-2018), patient P1 and a session whose
// pump started at 35 mg/h two hours ago: 70 mg received by now. Returns the
// session id.
absl::StatusOr<std::string> StartSessionWith70MgReceived(
    kip::sessions::v1::SessionLogService::Stub& stub, const ContextForRole& as);

}  // namespace kip::testing

#endif  // KIP_TESTS_INTEGRATION_RUNNING_SESSION_H_
