// Builders of valid sessions records for tests (a CRPS study with ketamine and
// placebo arms, a 70 kg patient at site-a, a session on protocol
// crps-0.35mgkg-4h). No storage: a test that links the SDK's SQLCipher outbox
// uses these without linking the servers' SQLite.
#ifndef KIP_TESTS_TESTING_SESSION_RECORDS_H_
#define KIP_TESTS_TESTING_SESSION_RECORDS_H_

#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "kip/sessions/v1/sessions.pb.h"

namespace kip::sessions::testing {

// A random version-4 UUID.
std::string NewUuid();

v1::Study MakeStudy(const std::string& id);
v1::Patient MakePatient(const std::string& study, const std::string& id);
v1::InfusionSession MakeSession(const std::string& study,
                                const std::string& patient,
                                const std::string& course = "course-1");
v1::Event PainEvent(const std::string& session_id, double nrs,
                    absl::Time device_time = absl::Now());

}  // namespace kip::sessions::testing

#endif  // KIP_TESTS_TESTING_SESSION_RECORDS_H_
