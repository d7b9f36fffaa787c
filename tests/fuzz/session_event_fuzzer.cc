// Fuzz target: an AppendEventsRequest from arbitrary bytes through the event
// validation and normalisation the sessions service applies before writing.
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "services/sessions/log/validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kip::sessions::v1::AppendEventsRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  for (int i = 0; i < request.events_size(); ++i) {
    kip::sessions::v1::Event event = request.events(i);
    if (kip::sessions::ValidateEvent(event, now,
                                     absl::StrCat("events[", i, "]"))
            .ok()) {
      kip::sessions::NormalizeEvent(event);
    }
  }
  kip::sessions::v1::StartSessionRequest start;
  if (start.ParseFromArray(data, static_cast<int>(size))) {
    (void)kip::sessions::ValidateSession(start.session(), now);
  }
  kip::sessions::v1::EnrollPatientRequest enroll;
  if (enroll.ParseFromArray(data, static_cast<int>(size))) {
    (void)kip::sessions::ValidatePatient(enroll.patient());
  }
  return 0;
}
