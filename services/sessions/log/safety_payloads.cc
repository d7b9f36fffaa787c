#include "services/sessions/log/safety_payloads.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "kip/common/v1/common.pb.h"
#include "services/sessions/log/field_checks.h"
#include "services/sessions/log/validation.h"

namespace kip::sessions {
namespace {

namespace v1 = kip::sessions::v1;
using field_checks::InRange;
using field_checks::Invalid;
using field_checks::Text;

// No pump delivers a million mg/h: the sanity bound of the numbers in a
// drug-library alert, which records mistyped programs as they were typed.
constexpr double kMaxAlertNumber = 1e6;

// Seriousness, causality and expectedness (ICH E2A II.B).
absl::Status SeriousAdverseEvent(const v1::SideEffect& p,
                                 const std::string& at) {
  for (int i = 0; i < p.seriousness_criteria_size(); ++i) {
    const int c = p.seriousness_criteria(i);
    if (c == v1::SERIOUSNESS_CRITERION_UNSPECIFIED ||
        !v1::SeriousnessCriterion_IsValid(c)) {
      return Invalid(absl::StrCat(at, ".seriousness_criteria[", i, "]"),
                     "is not a SeriousnessCriterion");
    }
  }
  if (!v1::Causality_IsValid(p.causality())) {
    return Invalid(at + ".causality", "is not a Causality");
  }
  if (!v1::Expectedness_IsValid(p.expectedness())) {
    return Invalid(at + ".expectedness", "is not an Expectedness");
  }
  if (!p.follow_up_of_event_id().empty() &&
      !IsUuid(p.follow_up_of_event_id())) {
    return Invalid(at + ".follow_up_of_event_id", "must be a UUID");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateSideEffect(const v1::SideEffect& p,
                                const std::string& at) {
  if (p.type() == v1::SIDE_EFFECT_TYPE_UNSPECIFIED ||
      !v1::SideEffectType_IsValid(p.type())) {
    return Invalid(at + ".type", "is required (a SideEffectType)");
  }
  if (p.type() == v1::OTHER_SIDE_EFFECT && p.description().empty()) {
    return Invalid(at + ".description", "is required for OTHER_SIDE_EFFECT");
  }
  if (!v1::SideEffectSeverity_IsValid(p.severity())) {
    return Invalid(at + ".severity", "is not a SideEffectSeverity");
  }
  if (p.ctcae_grade() < 0 || p.ctcae_grade() > 5) {
    return Invalid(at + ".ctcae_grade",
                   absl::StrCat(p.ctcae_grade(), " is outside 1..5"));
  }
  if (p.severity() == v1::SIDE_EFFECT_SEVERITY_UNSPECIFIED &&
      p.ctcae_grade() == 0) {
    return Invalid(at + ".severity",
                   "severity (MILD/MODERATE/SEVERE) or ctcae_grade (1..5) "
                   "is required");
  }
  KIP_RETURN_IF_ERROR(Text(at + ".description", p.description(), false));
  KIP_RETURN_IF_ERROR(SeriousAdverseEvent(p, at));
  return Text(at + ".action_taken", p.action_taken(), false);
}

absl::Status ValidateDrugLibraryAlert(const v1::DrugLibraryAlert& p,
                                      const std::string& at) {
  if (p.verdict() != "SOFT_LIMIT" && p.verdict() != "HARD_LIMIT") {
    return Invalid(at + ".verdict", "is not SOFT_LIMIT or HARD_LIMIT");
  }
  for (int i = 0; i < p.limits_size(); ++i) {
    const v1::AlertedLimit& l = p.limits(i);
    const std::string li = absl::StrCat(at, ".limits[", i, "]");
    KIP_RETURN_IF_ERROR(InRange(li + ".value", l.value(), -kMaxAlertNumber,
                                kMaxAlertNumber, l.unit()));
    KIP_RETURN_IF_ERROR(InRange(li + ".bound", l.bound(), -kMaxAlertNumber,
                                kMaxAlertNumber, l.unit()));
    KIP_RETURN_IF_ERROR(Text(li + ".limit", l.limit(), true));
  }
  // The rate the pump was asked for, mistyped ones included (what the alert
  // is about), so far wider than a logged rate's 0..2000 mg/h.
  KIP_RETURN_IF_ERROR(InRange(at + ".rate_mg_per_h", p.rate_mg_per_h(), 0,
                              kMaxAlertNumber, "mg/h"));
  KIP_RETURN_IF_ERROR(Text(at + ".protocol_id", p.protocol_id(), false));
  kip::common::v1::CareArea care_area;
  if (!p.care_area().empty() &&
      !kip::common::v1::CareArea_Parse(p.care_area(), &care_area)) {
    return Invalid(at + ".care_area",
                   absl::StrCat("'", p.care_area().substr(0, 40),
                                "' is not a CareArea name"));
  }
  return Text(at + ".override_reason", p.override_reason(), false);
}

absl::Status ValidateSafetyReportSubmitted(const v1::SafetyReportSubmitted& p,
                                           const std::string& at) {
  if (!IsUuid(p.adverse_event_id())) {
    return Invalid(at + ".adverse_event_id",
                   "must be the serious side effect's event_id (a UUID)");
  }
  if (p.kind() == v1::SAFETY_REPORT_KIND_UNSPECIFIED ||
      !v1::SafetyReportKind_IsValid(p.kind())) {
    return Invalid(at + ".kind", "is required (a SafetyReportKind)");
  }
  return Text(at + ".reference", p.reference(), false);
}

}  // namespace kip::sessions
