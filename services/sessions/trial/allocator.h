// A study's randomisation (the proto) onto the designs of randomisation.h:
// validation with field paths, a patient's factor levels, the next
// allocation given the earlier ones, kit codes, and the list ahead for a
// statistician. No gRPC, no storage.
#ifndef KIP_SERVICES_SESSIONS_TRIAL_ALLOCATOR_H_
#define KIP_SERVICES_SESSIONS_TRIAL_ALLOCATOR_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kip/sessions/v1/sessions.pb.h"

namespace kip::trial {

namespace v1 = kip::sessions::v1;

// PERMUTED_BLOCKS or MINIMISATION: KIP assigns the arm.
bool IsRandomised(const v1::Study& study);

// The enrolment fields a factor may name.
const std::vector<std::string>& KnownFactors();

// INVALID_ARGUMENT with the field path and the rule broken: an unknown
// method or factor, a ratio outside 1..10, block multiples outside 1..10, a
// follow probability outside (0.5, 1], a weight <= 0, or `blinded` on a study
// whose caller chooses the arm.
absl::Status ValidateRandomisation(const v1::Study& study);

// The patient's level of each of the study's factors.
std::map<std::string, std::string> FactorLevels(const v1::Study& study,
                                                const v1::Patient& patient);

// The allocation of `patient`, the entry after `earlier` (the study's
// ALLOCATION entries so far, in order): arm, stratum and place in it, the
// random element's choice, and a kit code unique in the study. `seed` is the
// study's unsealed seed. Sequence, time and hashes are the caller's.
absl::StatusOr<v1::TrialLogEntry> Allocate(
    const v1::Study& study, const std::string& seed,
    const std::vector<v1::TrialLogEntry>& earlier, const v1::Patient& patient);

// PERMUTED_BLOCKS: the first `length` places of each stratum's list.
std::vector<v1::ScheduledAllocation> Schedule(
    const v1::Study& study, const std::string& seed,
    const std::vector<std::string>& strata, int length);

}  // namespace kip::trial

#endif  // KIP_SERVICES_SESSIONS_TRIAL_ALLOCATOR_H_
