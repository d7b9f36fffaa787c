// Ketamine a patient received, integrated from the logged events: infusion
// rate over the time it ran (started/changed/paused/resumed/stopped) plus
// boluses. A correction replaces the payload of the event it points at (or,
// without a replacement, voids it); the original stays in the log. One home
// for the sessions service (cumulative doses, exports) and analytics (the dose
// each patient received).
#ifndef KIP_CLINICAL_DOSE_ACCOUNTING_H_
#define KIP_CLINICAL_DOSE_ACCOUNTING_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "kip/sessions/v1/events.pb.h"

namespace kip::clinical {

// The events as corrected: a corrected event takes its correction's
// replacement payload (keeping its id, time and sequence) or, for a correction
// without replacement, is dropped; correction events themselves are dropped.
std::vector<kip::sessions::v1::Event> ApplyCorrections(
    std::vector<kip::sessions::v1::Event> events);

// The corrected events in the order they happened: device time, then
// session sequence.
std::vector<kip::sessions::v1::Event> Timeline(
    std::vector<kip::sessions::v1::Event> events);

// A stretch of time during which the infusion ran at one rate: from a start,
// a rate change or a resume to the next change, pause or stop. `end` is
// absl::InfiniteFuture() while it still runs.
struct RateInterval {
  absl::Time start;
  absl::Time end = absl::InfiniteFuture();
  double rate_mg_per_h = 0;
  std::string adjustment_reason;  // the rate change's reason, "" from a start
};

// The constant-rate intervals of a `Timeline`, in order (one home for the
// dose integrals, SDTM EX and FHIR MedicationAdministration). A rate given
// only in mg/kg/h is converted with `weight_kg`.
std::vector<RateInterval> RateIntervals(
    const std::vector<kip::sessions::v1::Event>& timeline, double weight_kg);

// mg delivered by one session's events within [from, to). A rate given only
// in mg/kg/h is converted with `weight_kg`; an infusion still running at `to`
// counts up to `to`. Events are ordered by device time, then sequence.
double DeliveredMg(std::vector<kip::sessions::v1::Event> events,
                   double weight_kg, absl::Time from, absl::Time to);

// Hours within [from, to) during which the infusion ran (started or resumed,
// not paused or stopped), from the corrected events.
double InfusedHours(std::vector<kip::sessions::v1::Event> events,
                    absl::Time from, absl::Time to);

}  // namespace kip::clinical

#endif  // KIP_CLINICAL_DOSE_ACCOUNTING_H_
