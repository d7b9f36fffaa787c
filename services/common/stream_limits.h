// Process-wide limits on long server streams (one producer thread each): how
// many may be open at once, and how long a write may wait for a client that
// does not read before the call is cancelled. Set once at start-up from flags.
#ifndef KIP_SERVICES_COMMON_STREAM_LIMITS_H_
#define KIP_SERVICES_COMMON_STREAM_LIMITS_H_

#include "absl/time/time.h"

namespace kip {

struct StreamLimits {
  int max_open_streams = 64;
  absl::Duration write_stall_timeout = absl::Seconds(30);
};

void SetStreamLimits(const StreamLimits& limits);
StreamLimits CurrentStreamLimits();

// false when max_open_streams are open; every true needs one release.
bool TryAcquireStreamSlot();
void ReleaseStreamSlot();
int OpenStreams();

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_STREAM_LIMITS_H_
