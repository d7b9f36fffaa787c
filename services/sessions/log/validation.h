// Stateless checks of what clients send to the session log: every invalid
// field yields INVALID_ARGUMENT naming its path and the bound it broke. The
// bounds are plausibility limits of a record, not dosing limits (those live in
// the dosing service's drug library).
#ifndef KIP_SERVICES_SESSIONS_LOG_VALIDATION_H_
#define KIP_SERVICES_SESSIONS_LOG_VALIDATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "kip/sessions/v1/sessions.pb.h"

namespace kip::sessions {

// How far a device clock may run ahead of the server's.
inline constexpr absl::Duration kMaxDeviceClockLead = absl::Minutes(5);

bool IsUuid(const std::string& id);
// A study, site, arm, patient pseudonym or protocol id: 1..64 of
// [A-Za-z0-9._-].
bool IsSimpleId(const std::string& id);

absl::Status ValidateStudy(const kip::sessions::v1::Study& study);
absl::Status ValidatePatient(const kip::sessions::v1::Patient& patient);
absl::Status ValidateSession(const kip::sessions::v1::InfusionSession& session,
                             absl::Time now);

// `path` is where the event sits in the request, e.g. "events[3]".
absl::Status ValidateEvent(const kip::sessions::v1::Event& event,
                           absl::Time now, const std::string& path);

// Fills server-computed fields of the payload (BPI severity and interference
// means) so that what is stored, hashed and compared on replay is canonical.
void NormalizeEvent(kip::sessions::v1::Event& event);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_LOG_VALIDATION_H_
