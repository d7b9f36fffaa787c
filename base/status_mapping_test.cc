#include "base/status_mapping.h"

#include <gtest/gtest.h>

namespace kip {
namespace {

TEST(StatusMappingTest, OkMapsToOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(StatusMappingTest, EveryCanonicalCodeRoundTripsWithItsMessage) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status in(static_cast<absl::StatusCode>(code),
                    "patient.weight_kg: > 300 kg");
    grpc::Status wire = ToGrpcStatus(in);
    EXPECT_EQ(static_cast<int>(wire.error_code()), code);
    EXPECT_EQ(wire.error_message(), "patient.weight_kg: > 300 kg");
    EXPECT_EQ(FromGrpcStatus(wire), in);
  }
}

TEST(StatusMappingTest, NamedCodesMatchGrpc) {
  EXPECT_EQ(ToGrpcStatus(absl::InvalidArgumentError("x")).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ToGrpcStatus(absl::FailedPreconditionError("x")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ToGrpcStatus(absl::UnauthenticatedError("x")).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ToGrpcStatus(absl::PermissionDeniedError("x")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ToGrpcStatus(absl::UnavailableError("x")).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "id"))
                .code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(StatusMappingTest, OutOfRangeCodesBecomeUnknown) {
  grpc::Status odd(static_cast<grpc::StatusCode>(99), "from the future");
  EXPECT_EQ(FromGrpcStatus(odd).code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(FromGrpcStatus(odd).message(), "from the future");
  absl::Status odd_absl(static_cast<absl::StatusCode>(42), "odd");
  EXPECT_EQ(ToGrpcStatus(odd_absl).error_code(), grpc::StatusCode::UNKNOWN);
}

TEST(StatusMappingTest, CodeNames) {
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::PERMISSION_DENIED),
               "PERMISSION_DENIED");
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_STREQ(GrpcCodeName(static_cast<grpc::StatusCode>(77)), "UNKNOWN");
}

}  // namespace
}  // namespace kip
