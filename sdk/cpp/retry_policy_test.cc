#include "sdk/cpp/retry_policy.h"

#include <gtest/gtest.h>

namespace kip {
namespace {

TEST(RetryPolicyTest, TheTableNamesEveryMethodOfEveryServiceAndOnlyThose) {
  EXPECT_TRUE(CheckRetryPolicy().ok()) << CheckRetryPolicy();
}

TEST(RetryPolicyTest, UnaryMethodsAreRetriedStreamsAreNot) {
  const std::set<std::string> sessions =
      RetriedMethods("kip.sessions.v1.SessionLogService");
  EXPECT_TRUE(sessions.count("AppendEvents"));
  EXPECT_TRUE(sessions.count("GetCumulativeDose"));
  EXPECT_FALSE(sessions.count("StreamEvents"));
  EXPECT_FALSE(sessions.count("ExportStudy"));
  EXPECT_EQ(RetriedMethods("kip.dosing.v1.DosingService").size(), 6u);
  EXPECT_EQ(RetriedMethods("kip.analytics.v1.AnalyticsService").size(), 8u);
}

TEST(RetryPolicyTest, AnUnknownMethodIsNamed) {
  absl::Status status =
      CheckMethodsExist("kip.dosing.v1.DosingService", {"PlanCourse", "Nope"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("Nope"), absl::string_view::npos);
  EXPECT_TRUE(
      CheckMethodsExist("kip.dosing.v1.DosingService", {"PlanCourse"}).ok());
}

}  // namespace
}  // namespace kip
