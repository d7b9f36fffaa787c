// PlanCourse: a protocol's course for one patient - sessions with their days,
// durations and rate steps (mg/kg/h, mg/h, mL/h exact and programmed),
// planned and maximum totals, volumes, a PK curve and warnings.
#ifndef KIP_SERVICES_DOSING_CORE_COURSE_PLANNER_H_
#define KIP_SERVICES_DOSING_CORE_COURSE_PLANNER_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "services/dosing/core/protocol_library.h"

namespace kip::dosing {

absl::StatusOr<v1::PlanCourseResponse> PlanCourse(
    const ProtocolLibrary& library, const v1::PlanCourseRequest& request,
    absl::Time now);

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_CORE_COURSE_PLANNER_H_
