// How kipctl prints a response with --json: the message as protobuf's JSON
// mapping, with the .proto field names (the names users script against) and
// indented. One home, so every command prints the same shape.
#ifndef KIP_SDK_KIPCTL_PROTO_JSON_H_
#define KIP_SDK_KIPCTL_PROTO_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace kip::kipctl {

absl::StatusOr<std::string> ProtoJson(const google::protobuf::Message& message);

// Prints ProtoJson(message) and a newline on stdout and returns 0; if the
// message cannot be printed, says so on stderr and returns 1.
int PrintProtoJson(const google::protobuf::Message& message);

}  // namespace kip::kipctl

#endif  // KIP_SDK_KIPCTL_PROTO_JSON_H_
