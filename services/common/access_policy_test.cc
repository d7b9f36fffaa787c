#include "services/common/access_policy.h"

#include <gtest/gtest.h>

#include "kip/dosing/v1/dosing.pb.h"

namespace kip {
namespace {

Principal As(Role role) {
  return Principal{"sub", role, "site", absl::InfinitePast()};
}

AccessPolicy Full() {
  return AccessPolicy("kip.dosing.v1.DosingService",
                      {{"ListProtocols", {Role::kDevice, Role::kResearcher}},
                       {"GetProtocol", {Role::kAdmin}},
                       {"PlanCourse", {Role::kClinician}},
                       {"ValidateProgram", {Role::kClinician}},
                       {"ProposeTitration", {Role::kClinician}},
                       {"PredictConcentration", {Role::kClinician}}});
}

TEST(AccessPolicyTest, AllowsListedRolesOnly) {
  AccessPolicy policy = Full();
  EXPECT_TRUE(policy
                  .Authorize(As(Role::kDevice),
                             "/kip.dosing.v1.DosingService/ListProtocols")
                  .ok());
  EXPECT_TRUE(policy
                  .Authorize(As(Role::kResearcher),
                             "/kip.dosing.v1.DosingService/ListProtocols")
                  .ok());
  absl::Status denied = policy.Authorize(
      As(Role::kClinician), "/kip.dosing.v1.DosingService/ListProtocols");
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(denied.message().find("clinician"), absl::string_view::npos);
  EXPECT_NE(denied.message().find("ListProtocols"), absl::string_view::npos);
}

TEST(AccessPolicyTest, DeniesUnknownMethodsAndOtherServices) {
  AccessPolicy policy = Full();
  EXPECT_EQ(
      policy.Authorize(As(Role::kAdmin), "/kip.dosing.v1.DosingService/Nope")
          .code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      policy.Authorize(As(Role::kAdmin), "/other.Service/GetProtocol").code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(policy.Authorize(As(Role::kAdmin), "GetProtocol").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(AccessPolicyTest, CoverageCheckNamesMissingAndUnknownMethods) {
  // A reference keeps dosing.pb.o (and its descriptor registration) in a
  // statically linked test binary.
  ASSERT_NE(kip::dosing::v1::PlanCourseRequest::descriptor(), nullptr);
  EXPECT_TRUE(Full().CheckCoversService().ok());
  AccessPolicy partial(
      "kip.dosing.v1.DosingService",
      {{"ListProtocols", {Role::kAdmin}}, {"PlanCorse", {Role::kAdmin}}});
  absl::Status status = partial.CheckCoversService();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("PlanCourse"), absl::string_view::npos);
  EXPECT_NE(status.message().find("PlanCorse"), absl::string_view::npos);
  EXPECT_FALSE(AccessPolicy("no.such.Service", {}).CheckCoversService().ok());
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role role :
       {Role::kDevice, Role::kClinician, Role::kResearcher, Role::kAdmin}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_FALSE(ParseRole("Admin").has_value());
  EXPECT_FALSE(ParseRole("").has_value());
}

}  // namespace
}  // namespace kip
