// The one home of every dosing limit (issue #12). Hard bounds come from the
// drug library and hold on the stricter (smaller) of the actual and the
// dosing weight, whatever the weight basis; soft bounds come from the protocol
// and use the dosing weight. Exceeds/FallsBelow are the only tolerance.
// PlanCourse, ValidateProgram and ProposeTitration all ask this module.
#ifndef KIP_SERVICES_DOSING_CORE_DOSE_LIMITS_H_
#define KIP_SERVICES_DOSING_CORE_DOSE_LIMITS_H_

#include <string>

#include "absl/status/status.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "services/dosing/core/dosing_context.h"

namespace kip::dosing {

// True when `value` is beyond `bound` by more than rounding: a relative
// tolerance keeps 0.35 x 70 / 70 from exceeding 0.35.
bool Exceeds(double value, double bound);
bool FallsBelow(double value, double bound);

// A pump program, as the limits see it.
struct ProgramDose {
  double rate_mg_per_h = 0;
  double duration_min = 0;
  double bolus_mg = 0;

  double hours() const { return duration_min / 60.0; }
  double total_mg() const { return rate_mg_per_h * hours() + bolus_mg; }
};

class DoseLimits {
 public:
  explicit DoseLimits(const DosingContext& context);

  // The weight the drug library's per-kg bounds hold on (the stricter of
  // actual and dosing weight), and the one the protocol's use (dosing).
  const v1::BoundWeight& hard_weight() const { return hard_weight_; }
  const v1::BoundWeight& soft_weight() const { return soft_weight_; }

  // Hard (drug library), in mg/h or mg on hard_weight().
  double HardRateMaxMgPerKgPerH() const {
    return limits_.continuous_rate_max_mg_per_kg_per_h();
  }
  double HardRateMaxMgPerH() const;
  // Site totals in mg/kg when set, else the rate maximum over the time (the
  // session's or the program's, whichever is longer).
  double HardSessionTotalMaxMg(double program_hours) const;
  double HardDayTotalMaxMg() const;
  double HardCourseTotalMaxMg(double program_hours) const;
  // FAILED_PRECONDITION when the actual weight is outside the library's
  // plausible dosing weights.
  absl::Status CheckActualWeightPlausible() const;

  // Soft (protocol), in mg/h on soft_weight().
  double ProtocolRateMinMgPerH() const;
  double ProtocolRateMaxMgPerH() const;
  double ProtocolStepMgPerH() const;
  // The rate a session starts at, by the protocol's dosing mode.
  double ProtocolStartMgPerH() const;

  // What may be planned or proposed: the protocol maximum capped at the hard
  // maximum.
  double PlannableRateMaxMgPerH() const;

  // mg/kg/h of `rate_mg_per_h` on the hard and the dosing weight.
  double HardMgPerKgPerH(double rate_mg_per_h) const;
  double DosingMgPerKgPerH(double rate_mg_per_h) const;

  // Appends every violated bound of `program` (after `already`) to
  // `response`.
  void AddHardViolations(const ProgramDose& program,
                         const v1::CumulativeDose& already,
                         v1::ValidateProgramResponse* response) const;
  void AddSoftViolations(const ProgramDose& program,
                         v1::ValidateProgramResponse* response) const;

 private:
  double SessionHours() const;
  // A protocol rate value (in the protocol's unit) in mg/h on soft_weight().
  double ProtocolMgPerH(double value) const;
  // The actual weight against the library's plausible dosing weights.
  bool ActualWeightBelowLibrary() const;
  bool ActualWeightAboveLibrary() const;

  const DosingContext& context_;
  const v1::CareAreaLimits& limits_;
  v1::BoundWeight hard_weight_;
  v1::BoundWeight soft_weight_;
};

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_CORE_DOSE_LIMITS_H_
