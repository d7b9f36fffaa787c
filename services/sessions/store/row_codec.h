// Conversions shared by the storage backends: timestamps as microseconds
// since the epoch in indexed columns, protos as canonical record blobs.
#ifndef KIP_SERVICES_SESSIONS_STORE_ROW_CODEC_H_
#define KIP_SERVICES_SESSIONS_STORE_ROW_CODEC_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"

namespace kip::sessions {

inline int64_t TimestampMicros(const google::protobuf::Timestamp& ts) {
  return google::protobuf::util::TimeUtil::TimestampToMicroseconds(ts);
}

inline google::protobuf::Timestamp MicrosToTimestamp(int64_t micros) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(micros);
}

inline google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return MicrosToTimestamp(absl::ToUnixMicros(time));
}

inline absl::Time ToAbslTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixMicros(TimestampMicros(ts));
}

// A stored record blob parsed back; DATA_LOSS when it does not parse.
template <typename Proto>
absl::StatusOr<Proto> ParseRecord(const std::string& bytes,
                                  absl::string_view what) {
  Proto proto;
  if (!proto.ParseFromString(bytes)) {
    return absl::DataLossError(
        absl::StrCat("stored ", what, " does not parse"));
  }
  return proto;
}

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_STORE_ROW_CODEC_H_
