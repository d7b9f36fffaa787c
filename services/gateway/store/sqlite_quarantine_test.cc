// The quarantine keeps messages byte for byte (NUL and non-UTF-8 included),
// in order, across a reopen, and pages through them per pump.
#include "services/gateway/store/sqlite_quarantine.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace kip::gateway {
namespace {

TEST(SqliteQuarantineTest, KeepsEveryByteInOrderAcrossAReopen) {
  const std::string path =
      std::string(std::getenv("TEST_TMPDIR")) + "/quarantine.db";
  const std::string odd("MSH|\0\xff\x0b\x1c\r", 9);
  {
    auto q = SqliteQuarantine::Open(path);
    ASSERT_TRUE(q.ok()) << q.status();
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(
          (*q)->Keep({"id-" + std::to_string(i),
                      absl::FromUnixSeconds(1000 + i),
                      i % 2 ? "PUMP-B" : "PUMP-A", "C" + std::to_string(i),
                      "no running session", odd + std::to_string(i)})
              .ok());
    }
    // An id is kept once.
    EXPECT_EQ((*q)->Keep({"id-0", absl::Now(), "", "", "", "x"}).code(),
              absl::StatusCode::kAlreadyExists);
  }
  auto q = SqliteQuarantine::Open(path);
  ASSERT_TRUE(q.ok()) << q.status();
  auto first = (*q)->List(0, 2);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->messages.size(), 2u);
  EXPECT_EQ(first->messages[0].message, odd + "0");
  EXPECT_EQ(first->messages[1].control_id, "C1");
  EXPECT_EQ(first->messages[1].received, absl::FromUnixSeconds(1001));
  auto rest = (*q)->List(first->next, 10);
  ASSERT_EQ(rest->messages.size(), 3u);
  EXPECT_EQ(rest->messages[2].id, "id-4");
  auto pump_b = (*q)->List(0, 10, "PUMP-B");
  ASSERT_EQ(pump_b->messages.size(), 2u);
  EXPECT_EQ(pump_b->messages[1].id, "id-3");
}

}  // namespace
}  // namespace kip::gateway
