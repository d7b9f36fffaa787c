// The one place absl::Status and grpc::Status are converted into each other.
// Their codes are numerically identical (both follow google.rpc.Code);
// gRPC 1.51 has no public converter, so the adapters call these and nothing
// else.
#ifndef KIP_BASE_STATUS_MAPPING_H_
#define KIP_BASE_STATUS_MAPPING_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace kip {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// The canonical upper-case name of a gRPC code, e.g. "PERMISSION_DENIED".
const char* GrpcCodeName(grpc::StatusCode code);

}  // namespace kip

#endif  // KIP_BASE_STATUS_MAPPING_H_
