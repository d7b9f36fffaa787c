// Fuzz target: a ValidateProgramRequest and a PlanCourseRequest from
// arbitrary bytes, checked against the shipped library. Any input must give a
// response or a status, never a crash or an approval of a non-finite rate.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kip/dosing/v1/dosing.pb.h"
#include "services/dosing/core/course_planner.h"
#include "services/dosing/core/program_check.h"
#include "services/dosing/core/protocol_library.h"

namespace {

const kip::dosing::ProtocolLibrary& Library() {
  static const kip::dosing::ProtocolLibrary* const library = [] {
    auto loaded = kip::dosing::ProtocolLibrary::LoadFromDirectory(
        "services/dosing/library");
    if (!loaded.ok()) std::abort();  // run from the workspace or runfiles root
    return new kip::dosing::ProtocolLibrary(*std::move(loaded));
  }();
  return *library;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  kip::dosing::v1::ValidateProgramRequest validate;
  if (validate.ParseFromString(bytes)) {
    auto verdict = kip::dosing::ValidateProgram(Library(), validate,
                                                /*doses=*/nullptr, now);
    if (verdict.ok() && verdict->approved() &&
        !std::isfinite(validate.program().rate_mg_per_h())) {
      std::abort();  // a non-finite rate must never be approved
    }
  }
  kip::dosing::v1::PlanCourseRequest plan;
  if (plan.ParseFromString(bytes)) {
    (void)kip::dosing::PlanCourse(Library(), plan, now);
  }
  return 0;
}
