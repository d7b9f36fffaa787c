// The load generator against the empty server: closed and open loop count
// what they should, latencies are ordered, non-loopback targets and bad
// requests are refused.
#include "tests/bench/loadgen/load_generator.h"

#include <gtest/gtest.h>

#include "tests/bench/loadgen/request_text.h"
#include "tests/integration/server_process.h"

namespace kip::loadgen {
namespace {

class LoadGeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::ServerProcess::Start(
        "tests/bench/loadgen/empty_server", {}, "empty");
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::make_unique<testing::ServerProcess>(std::move(*server));
    spec_.target = server_->address();
    spec_.method = "/kip.bench.Empty/Call";
  }
  std::unique_ptr<testing::ServerProcess> server_;
  LoadSpec spec_;
};

TEST_F(LoadGeneratorTest, ClosedLoopKeepsCallsInFlightAndMeasures) {
  spec_.concurrency = 4;
  spec_.duration = absl::Milliseconds(300);
  auto result = RunLoad(spec_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GT(result->calls, 50) << result->first_error;
  EXPECT_EQ(result->errors, 0);
  EXPECT_GT(result->calls_per_s, 0);
  EXPECT_LE(result->p50, result->p90);
  EXPECT_LE(result->p90, result->p99);
  EXPECT_LE(result->p99, result->p999);
  EXPECT_GT(result->p50, absl::ZeroDuration());
}

TEST_F(LoadGeneratorTest, OpenLoopHoldsTheRate) {
  spec_.rate_per_s = 200;
  spec_.duration = absl::Milliseconds(500);
  int64_t built = 0;
  spec_.request_factory = [&built](int64_t n) {
    built = n + 1;
    return std::string();
  };
  auto result = RunLoad(spec_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->calls, 100);  // 200/s for 0.5 s, scheduled exactly
  EXPECT_EQ(built, 100);
  EXPECT_EQ(result->errors, 0);
  // Each call's latency counts from its scheduled time, so it includes how
  // late it was sent.
  EXPECT_GT(result->issue_lag_p99, absl::ZeroDuration());
  EXPECT_LE(result->issue_lag_p99, result->p99);
}

TEST_F(LoadGeneratorTest, CountsErrorsAndKeepsTheFirst) {
  spec_.target = "127.0.0.1:1";  // nothing listens
  spec_.concurrency = 2;
  spec_.duration = absl::Milliseconds(100);
  spec_.call_deadline = absl::Milliseconds(200);
  auto result = RunLoad(spec_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->calls, 0);
  EXPECT_GT(result->errors, 0);
  EXPECT_FALSE(result->first_error.empty());
}

TEST(LoadSpecTest, OnlyLoopbackAndSaneSpecs) {
  LoadSpec spec;
  spec.method = "/a.B/C";
  for (const char* remote : {"10.0.0.1:50051", "example.org:443",
                             "dns:///kip-dosing:50051", "0.0.0.0:1"}) {
    spec.target = remote;
    EXPECT_EQ(RunLoad(spec).status().code(), absl::StatusCode::kInvalidArgument)
        << remote;
  }
  EXPECT_TRUE(IsLoopbackTarget("127.0.0.1:50051"));
  EXPECT_TRUE(IsLoopbackTarget("localhost:50051"));
  EXPECT_TRUE(IsLoopbackTarget("[::1]:50051"));
  spec.target = "127.0.0.1:1";
  spec.method = "no-slash";
  EXPECT_EQ(RunLoad(spec).status().code(), absl::StatusCode::kInvalidArgument);
  spec.method = "/a.B/C";
  spec.concurrency = 0;
  EXPECT_EQ(RunLoad(spec).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RequestTextTest, ParsesTheMethodsRequestType) {
  auto bytes = SerializeRequest("/kip.dosing.v1.DosingService/PlanCourse",
                                "protocol_id: \"bosma-2018\" "
                                "patient { weight_kg: 70 }");
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_FALSE(bytes->empty());
  EXPECT_EQ(SerializeRequest("/kip.dosing.v1.DosingService/PlanCourse",
                             "no_such_field: 1")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      SerializeRequest("/kip.dosing.v1.DosingService/Nope", "").status().code(),
      absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace kip::loadgen
