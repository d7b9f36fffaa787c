// Name-based UUIDs against Python's uuid.uuid5 in the same namespace (an
// independent implementation of RFC 4122), and random ones' shape.
#include "base/uuid.h"

#include <set>

#include "gtest/gtest.h"

namespace kip {
namespace {

TEST(UuidTest, NameBasedMatchesRfc4122Version5) {
  // python3 -c "import uuid; ns = uuid.UUID('6f1c5e2a-2d4b-5c8e-9a3f-
  //   4b6d8e0f1a2c'); print(uuid.uuid5(ns, 'kip'))"
  EXPECT_EQ(NameBasedUuid("kip"), "282f773e-29ed-5a0a-84e3-419d058e0185");
  EXPECT_EQ(NameBasedUuid("gateway|0011|C1|start|0"),
            "949ff087-b1af-58fe-8152-6131c364ae12");
  EXPECT_EQ(NameBasedUuid("kip"), NameBasedUuid("kip"));
  EXPECT_NE(NameBasedUuid("kip"), NameBasedUuid("kip "));
}

TEST(UuidTest, RandomOnesAreVersion4AndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = RandomUuid();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '4');
    EXPECT_TRUE(seen.insert(id).second);
  }
}

}  // namespace
}  // namespace kip
