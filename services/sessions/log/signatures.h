// Electronic signatures over logged records (21 CFR 11.50, 11.70; issue
// #16): the signature event that signs a session's events as they stand, and
// the state of every signature in a session now - valid, superseded by a
// later correction of a signed record, or broken by a signed record that is
// missing or no longer hashes as signed. Pure: rows in, events out.
#ifndef KIP_SERVICES_SESSIONS_LOG_SIGNATURES_H_
#define KIP_SERVICES_SESSIONS_LOG_SIGNATURES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "services/common/principal.h"
#include "services/sessions/log/event_chain.h"

namespace kip::sessions {

// A signature needs a sign-in at most this long ago (re-authentication).
inline constexpr absl::Duration kSignatureReauthWindow = absl::Minutes(5);

// UNAUTHENTICATED unless the signer signed in within the window before
// `now`; INVALID_ARGUMENT for a missing meaning or printed name.
absl::Status CheckSigner(const Principal& signer,
                         const v1::SignRecordsRequest& request, absl::Time now);

// The signature event for one session: every event of `rows` (a session's
// stored rows) except earlier signatures, by event id and chain hash.
absl::StatusOr<v1::Event> SignatureEvent(
    const Principal& signer, const v1::SignRecordsRequest& request,
    const std::string& session_id, const std::string& signature_id,
    const std::vector<StoredEventRow>& rows, absl::Time now);

// Every signature in the session's rows, checked against the rows now.
std::vector<v1::SignatureCheck> CheckSignatures(
    const std::vector<StoredEventRow>& rows);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_LOG_SIGNATURES_H_
