// Conversions between protobuf's Timestamp and absl::Time, for servers and the
// SDK alike (microsecond precision, as every KIP time is stored).
#ifndef KIP_BASE_TIME_UTIL_H_
#define KIP_BASE_TIME_UTIL_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace kip {

absl::Time TimeFromProto(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp ProtoFromTime(absl::Time time);

}  // namespace kip

#endif  // KIP_BASE_TIME_UTIL_H_
