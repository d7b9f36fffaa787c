#include "base/time_util.h"

#include "google/protobuf/util/time_util.h"

namespace kip {

using google::protobuf::util::TimeUtil;

absl::Time TimeFromProto(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(timestamp));
}

google::protobuf::Timestamp ProtoFromTime(absl::Time time) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time));
}

}  // namespace kip
