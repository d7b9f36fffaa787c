#include "base/time_util.h"

#include <gtest/gtest.h>

namespace kip {
namespace {

TEST(TimeUtilTest, RoundTripsAtMicrosecondPrecision) {
  const absl::Time t = absl::FromUnixMicros(1'800'000'000'123'456);
  const google::protobuf::Timestamp proto = ProtoFromTime(t);
  EXPECT_EQ(proto.seconds(), 1'800'000'000);
  EXPECT_EQ(proto.nanos(), 123'456'000);
  EXPECT_EQ(TimeFromProto(proto), t);
}

TEST(TimeUtilTest, BeforeTheEpoch) {
  const absl::Time t = absl::FromUnixMicros(-1'500'000);
  EXPECT_EQ(TimeFromProto(ProtoFromTime(t)), t);
}

}  // namespace
}  // namespace kip
