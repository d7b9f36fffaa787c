// What a researcher sees of a logged event: every coded and numeric field,
// but no free text (notes, reasons, descriptions) and no staff identity, where
// a name or other identifying detail could have been typed at the bedside.
// String fields are withheld unless known to be codes or ids, so a free-text
// field added later is withheld by default.
#ifndef KIP_SERVICES_SESSIONS_LOG_RESEARCHER_VIEW_H_
#define KIP_SERVICES_SESSIONS_LOG_RESEARCHER_VIEW_H_

#include "kip/sessions/v1/events.pb.h"
#include "services/common/principal.h"

namespace kip::sessions {

inline constexpr char kWithheld[] = "[withheld]";

// Replaces every non-empty free-text string of `event` (and of events nested
// in it) by kWithheld.
void WithholdFreeText(kip::sessions::v1::Event& event);

// The roles that read the pseudonymous research view: researcher and
// statistician.
bool WithholdsFreeText(Role role);

}  // namespace kip::sessions

#endif  // KIP_SERVICES_SESSIONS_LOG_RESEARCHER_VIEW_H_
