// Early-return helpers for absl::Status / absl::StatusOr code paths.
#ifndef KIP_BASE_STATUS_MACROS_H_
#define KIP_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"

#define KIP_RETURN_IF_ERROR(expr)              \
  do {                                         \
    const absl::Status kip_status_ = (expr);   \
    if (!kip_status_.ok()) return kip_status_; \
  } while (false)

// `KIP_ASSIGN_OR_RETURN(name, expr)` declares `name` as a reference to the
// value of the absl::StatusOr `expr`, or returns its error.
#define KIP_ASSIGN_OR_RETURN(name, expr)                          \
  auto name##_status_or_ = (expr);                                \
  if (!name##_status_or_.ok()) return name##_status_or_.status(); \
  auto& name = *name##_status_or_

#endif  // KIP_BASE_STATUS_MACROS_H_
