// The C ABI's dispatch table: whole (every unary RPC of every KIP service),
// bytes parsed and passed to the right typed method, garbage refused by name.
#include "sdk/c/typed_calls.h"

#include "gmock/gmock.h"
#include "sdk/cpp/mocks/mock_connections.h"

namespace kip::c_abi {
namespace {

using ::testing::_;
using ::testing::NiceMock;
using ::testing::Return;

struct Table {
  std::shared_ptr<NiceMock<MockDosingConnection>> dosing =
      std::make_shared<NiceMock<MockDosingConnection>>();
  std::shared_ptr<NiceMock<MockSessionLogConnection>> sessions =
      std::make_shared<NiceMock<MockSessionLogConnection>>();
  std::shared_ptr<NiceMock<MockAnalyticsConnection>> analytics =
      std::make_shared<NiceMock<MockAnalyticsConnection>>();
  std::map<std::string, TypedCall> calls =
      TypedCalls(dosing, sessions, analytics);
};

TEST(TypedCallsTest, CoversEveryUnaryRpcOfEveryKipService) {
  Table table;
  EXPECT_THAT(MissingUnaryMethods(table.calls), ::testing::IsEmpty());
  EXPECT_EQ(table.calls.size(), 36u);  // 6 dosing + 22 sessions + 8 analytics
  EXPECT_EQ(
      table.calls.count("/kip.sessions.v1.SessionLogService/StreamEvents"), 0u);
}

TEST(TypedCallsTest, MissingRowsAreNamed) {
  Table table;
  table.calls.erase("/kip.dosing.v1.DosingService/ValidateProgram");
  EXPECT_THAT(
      MissingUnaryMethods(table.calls),
      ::testing::ElementsAre("/kip.dosing.v1.DosingService/ValidateProgram"));
}

TEST(TypedCallsTest, PassesTheParsedRequestToTheTypedMethod) {
  Table table;
  dosing::v1::PlanCourseRequest request;
  request.set_protocol_id("bosma-2018");
  dosing::v1::PlanCourseResponse plan;
  plan.set_hard_rate_max_mg_per_h(80);
  EXPECT_CALL(*table.dosing, PlanCourse(_, _))
      .WillOnce(
          [&](const dosing::v1::PlanCourseRequest& r, const CallOptions&) {
            EXPECT_EQ(r.protocol_id(), "bosma-2018");
            return absl::StatusOr<dosing::v1::PlanCourseResponse>(plan);
          });
  absl::StatusOr<std::string> bytes =
      table.calls.at("/kip.dosing.v1.DosingService/PlanCourse")(
          request.SerializeAsString(), CallOptions());
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  dosing::v1::PlanCourseResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(*bytes));
  EXPECT_EQ(parsed.hard_rate_max_mg_per_h(), 80);
}

TEST(TypedCallsTest, GarbageIsInvalidArgumentAndNeverReachesTheService) {
  Table table;
  EXPECT_CALL(*table.sessions, AppendEvents(_, _)).Times(0);
  absl::StatusOr<std::string> result =
      table.calls.at("/kip.sessions.v1.SessionLogService/AppendEvents")(
          "\xff\xff\xff\xff", CallOptions());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()),
              ::testing::HasSubstr("kip.sessions.v1.AppendEventsRequest"));
}

TEST(TypedCallsTest, TheServiceStatusComesBackAsIs) {
  Table table;
  EXPECT_CALL(*table.analytics, RunMetaAnalysis(_, _))
      .WillOnce(Return(absl::FailedPreconditionError("k < 2")));
  EXPECT_EQ(table.calls
                .at("/kip.analytics.v1.AnalyticsService/RunMetaAnalysis")(
                    "", CallOptions())
                .status(),
            absl::FailedPreconditionError("k < 2"));
}

}  // namespace
}  // namespace kip::c_abi
