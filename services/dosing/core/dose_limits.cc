#include "services/dosing/core/dose_limits.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_format.h"
#include "services/common/error_details.h"

namespace kip::dosing {
namespace {

using kip::common::v1::WeightBasis;

// Relative and absolute tolerance of every limit comparison.
constexpr double kRelativeTolerance = 1e-9;
constexpr double kAbsoluteTolerance = 1e-12;

v1::BoundWeight Weight(double kg, WeightBasis basis, std::string reason) {
  v1::BoundWeight weight;
  weight.set_kg(kg);
  weight.set_basis(basis);
  weight.set_reason(std::move(reason));
  return weight;
}

// The stricter of actual and dosing weight: a hard limit is about the body
// that receives the drug, so a dosing-weight choice may lower it, never raise
// it.
v1::BoundWeight StricterWeight(const DosingContext& context) {
  const double actual = context.actual_weight_kg;
  const DosingWeight& dosing = context.dosing_weight;
  const std::string basis = kip::common::v1::WeightBasis_Name(dosing.basis);
  if (dosing.basis == kip::common::v1::ACTUAL) {
    return Weight(actual, kip::common::v1::ACTUAL,
                  absl::StrFormat("actual body weight %.1f kg", actual));
  }
  if (actual <= dosing.kg) {
    return Weight(actual, kip::common::v1::ACTUAL,
                  absl::StrFormat("actual %.1f kg, the stricter of actual and "
                                  "%s %.1f kg",
                                  actual, basis, dosing.kg));
  }
  return Weight(dosing.kg, dosing.basis,
                absl::StrFormat("%s %.1f kg, the stricter of %s and actual "
                                "%.1f kg",
                                basis, dosing.kg, basis, actual));
}

void Add(v1::ValidateProgramResponse* response, v1::Severity severity,
         std::string limit, double value, double bound, std::string unit,
         const v1::BoundWeight* weight = nullptr, int ihe = 0) {
  v1::Violation* v = response->add_violations();
  v->set_severity(severity);
  v->set_limit(std::move(limit));
  v->set_value(value);
  v->set_bound(bound);
  v->set_unit(std::move(unit));
  v->set_ihe_pcd_code(ihe ? ihe : (severity == v1::HARD ? kIheHardLimit : 0));
  if (weight != nullptr) *v->mutable_weight() = *weight;
}

}  // namespace

bool Exceeds(double value, double bound) {
  return value > bound * (1 + kRelativeTolerance) + kAbsoluteTolerance;
}

bool FallsBelow(double value, double bound) {
  return value < bound * (1 - kRelativeTolerance) - kAbsoluteTolerance;
}

DoseLimits::DoseLimits(const DosingContext& context)
    : context_(context),
      limits_(*context.care_area_limits),
      hard_weight_(StricterWeight(context)),
      soft_weight_(Weight(context.dosing_weight.kg, context.dosing_weight.basis,
                          context.dosing_weight.formula)) {}

double DoseLimits::SessionHours() const {
  return Hours(context_.protocol->session_duration());
}

double DoseLimits::HardRateMaxMgPerH() const {
  return limits_.continuous_rate_max_mg_per_kg_per_h() * hard_weight_.kg();
}

double DoseLimits::HardSessionTotalMaxMg(double program_hours) const {
  if (limits_.session_total_max_mg_per_kg() > 0) {
    return limits_.session_total_max_mg_per_kg() * hard_weight_.kg();
  }
  return HardRateMaxMgPerH() * std::max(SessionHours(), program_hours);
}

double DoseLimits::HardDayTotalMaxMg() const {
  if (limits_.per_24h_total_max_mg_per_kg() > 0) {
    return limits_.per_24h_total_max_mg_per_kg() * hard_weight_.kg();
  }
  return HardRateMaxMgPerH() * 24;
}

double DoseLimits::HardCourseTotalMaxMg(double program_hours) const {
  if (limits_.course_total_max_mg_per_kg() > 0) {
    return limits_.course_total_max_mg_per_kg() * hard_weight_.kg();
  }
  return HardRateMaxMgPerH() * std::max(SessionHours(), program_hours) *
         context_.protocol->sessions_per_course();
}

bool DoseLimits::ActualWeightBelowLibrary() const {
  return FallsBelow(context_.actual_weight_kg,
                    context_.drug_library->min_dosing_weight_kg());
}

bool DoseLimits::ActualWeightAboveLibrary() const {
  return Exceeds(context_.actual_weight_kg,
                 context_.drug_library->max_dosing_weight_kg());
}

absl::Status DoseLimits::CheckActualWeightPlausible() const {
  const v1::DrugLibrary& drug = *context_.drug_library;
  const double actual = context_.actual_weight_kg;
  if (ActualWeightBelowLibrary() || ActualWeightAboveLibrary()) {
    return FieldError(
        absl::StatusCode::kFailedPrecondition, "patient.weight_kg",
        absl::StrFormat("%g kg is outside the drug library's plausible "
                        "dosing weights",
                        actual),
        absl::StrFormat("%g..%g kg", drug.min_dosing_weight_kg(),
                        drug.max_dosing_weight_kg()),
        kIheWeightMismatch);
  }
  return absl::OkStatus();
}

double DoseLimits::HardMgPerKgPerH(double rate_mg_per_h) const {
  return rate_mg_per_h / hard_weight_.kg();
}

double DoseLimits::DosingMgPerKgPerH(double rate_mg_per_h) const {
  return rate_mg_per_h / soft_weight_.kg();
}

double DoseLimits::ProtocolMgPerH(double value) const {
  return context_.protocol->rate().unit() == v1::MG_PER_KG_PER_H
             ? value * soft_weight_.kg()
             : value;
}

double DoseLimits::ProtocolRateMinMgPerH() const {
  return ProtocolMgPerH(context_.protocol->rate().min());
}

double DoseLimits::ProtocolRateMaxMgPerH() const {
  return ProtocolMgPerH(context_.protocol->rate().max());
}

double DoseLimits::ProtocolStepMgPerH() const {
  return ProtocolMgPerH(context_.protocol->rate().titration_step());
}

double DoseLimits::ProtocolStartMgPerH() const {
  const v1::Protocol& protocol = *context_.protocol;
  switch (protocol.dosing_mode()) {
    case v1::LOADING_DOSE:
      return protocol.loading_dose_mg_per_kg() * soft_weight_.kg() /
             SessionHours();
    case v1::TOTAL_OVER_DURATION:
      return protocol.total_dose_mg() / SessionHours();
    default:
      return ProtocolMgPerH(protocol.rate().start());
  }
}

double DoseLimits::PlannableRateMaxMgPerH() const {
  return std::min(ProtocolRateMaxMgPerH(), HardRateMaxMgPerH());
}

void DoseLimits::AddHardViolations(
    const ProgramDose& program, const v1::CumulativeDose& already,
    v1::ValidateProgramResponse* response) const {
  const v1::DrugLibrary& drug = *context_.drug_library;
  const double actual = context_.actual_weight_kg;
  if (ActualWeightBelowLibrary()) {
    Add(response, v1::HARD, "drug_library.dosing_weight_min", actual,
        drug.min_dosing_weight_kg(), "kg", nullptr, kIheWeightMismatch);
  }
  if (ActualWeightAboveLibrary()) {
    Add(response, v1::HARD, "drug_library.dosing_weight_max", actual,
        drug.max_dosing_weight_kg(), "kg", nullptr, kIheWeightMismatch);
  }
  const double hours = program.hours();
  const double program_mg = program.total_mg();
  const double day_mg =
      program.rate_mg_per_h * std::min(hours, 24.0) + program.bolus_mg;
  const v1::BoundWeight* w = &hard_weight_;
  struct Check {
    const char* limit;
    double value, bound;
    const char* unit;
  };
  for (const Check& c : {
           Check{"drug_library.continuous_rate_max",
                 HardMgPerKgPerH(program.rate_mg_per_h),
                 limits_.continuous_rate_max_mg_per_kg_per_h(), "mg/kg/h"},
           Check{"drug_library.bolus_max", program.bolus_mg / hard_weight_.kg(),
                 limits_.bolus_max_mg_per_kg(), "mg/kg"},
           Check{"drug_library.session_total_max",
                 already.session_mg() + program_mg,
                 HardSessionTotalMaxMg(hours), "mg"},
           Check{"drug_library.per_24h_total_max",
                 already.last_24h_mg() + day_mg, HardDayTotalMaxMg(), "mg"},
           Check{"drug_library.course_total_max",
                 already.course_mg() + program_mg, HardCourseTotalMaxMg(hours),
                 "mg"},
       }) {
    if (Exceeds(c.value, c.bound)) {
      Add(response, v1::HARD, c.limit, c.value, c.bound, c.unit, w);
    }
  }
}

void DoseLimits::AddSoftViolations(
    const ProgramDose& program, v1::ValidateProgramResponse* response) const {
  const v1::Protocol& protocol = *context_.protocol;
  const v1::RateRange& range = protocol.rate();
  const bool per_kg = range.unit() == v1::MG_PER_KG_PER_H;
  const double rate =
      per_kg ? DosingMgPerKgPerH(program.rate_mg_per_h) : program.rate_mg_per_h;
  const char* unit = per_kg ? "mg/kg/h" : "mg/h";
  const v1::BoundWeight* w = per_kg ? &soft_weight_ : nullptr;
  if (FallsBelow(rate, range.min())) {
    Add(response, v1::SOFT, "protocol.rate_min", rate, range.min(), unit, w);
  }
  if (Exceeds(rate, range.max())) {
    Add(response, v1::SOFT, "protocol.rate_max", rate, range.max(), unit, w);
  }
  const double session_min = SessionHours() * 60;
  if (Exceeds(program.duration_min, session_min)) {
    Add(response, v1::SOFT, "protocol.session_duration", program.duration_min,
        session_min, "min");
  }
  if (protocol.has_min_session_duration()) {
    const double min_min = Hours(protocol.min_session_duration()) * 60;
    if (FallsBelow(program.duration_min, min_min)) {
      Add(response, v1::SOFT, "protocol.min_session_duration",
          program.duration_min, min_min, "min");
    }
  }
  if (protocol.dosing_mode() == v1::TOTAL_OVER_DURATION &&
      Exceeds(program.total_mg(), protocol.total_dose_mg())) {
    Add(response, v1::SOFT, "protocol.total_dose", program.total_mg(),
        protocol.total_dose_mg(), "mg");
  }
  if (Exceeds(program.bolus_mg, 0)) {
    Add(response, v1::SOFT, "protocol.bolus", program.bolus_mg, 0, "mg");
  }
}

}  // namespace kip::dosing
