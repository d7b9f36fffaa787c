// Running a randomised trial on the session log (issue #15): studies with a
// sealed seed, enrolment that assigns the arm and writes the allocation and
// the patient row in one transaction, emergency and study unblinding as
// logged entries, the statistician's allocation list, and verification of
// the keyed trial log. Callers apply arm_visibility to what they return.
#ifndef KIP_SERVICES_SESSIONS_TRIAL_TRIAL_LOG_H_
#define KIP_SERVICES_SESSIONS_TRIAL_TRIAL_LOG_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "services/sessions/log/event_log.h"
#include "services/sessions/trial/trial_chain.h"
#include "services/sessions/trial/trial_keys.h"

namespace kip::trial {

// A study as stored (its unblinding filled in) and what its log says (an
// empty state for a study whose caller allocates).
struct StudyView {
  v1::Study study;
  std::shared_ptr<const TrialState> state;
};

class TrialLog {
 public:
  TrialLog(kip::sessions::EventLog& log, TrialKeys keys)
      : log_(log), keys_(std::move(keys)) {}

  // Every study: a randomised one is validated and gets a sealed seed.
  absl::StatusOr<v1::Study> CreateStudy(v1::Study study);
  // Every enrolment: in a randomised study KIP assigns the arm (and a kit
  // code when blinded) and refuses one chosen by the caller; idempotent.
  absl::StatusOr<v1::Patient> Enroll(v1::Patient patient,
                                     const std::string& by_subject);
  absl::StatusOr<StudyView> View(const std::string& study_id);
  // A view of an already-read study (reads the log only when blinded).
  absl::StatusOr<StudyView> ViewOf(v1::Study study);

  // The study a patient id belongs to when `study_id` is empty.
  absl::StatusOr<std::string> StudyOfPatient(const std::string& study_id,
                                             const std::string& patient_id);
  absl::StatusOr<v1::UnblindPatientResponse> UnblindPatient(
      const v1::UnblindPatientRequest& request, const std::string& by_subject);
  absl::StatusOr<v1::Study> UnblindStudy(const v1::UnblindStudyRequest& request,
                                         const std::string& by_subject);
  absl::StatusOr<v1::GetAllocationListResponse> AllocationList(
      const v1::GetAllocationListRequest& request);
  absl::StatusOr<v1::VerifyAllocationsResponse> Verify(
      const std::string& study_id);

 private:
  absl::StatusOr<std::string> Seed(const std::string& study_id);
  // The log's state: the entries already read are kept, and only the rows
  // after them are read (reads stay O(new rows) as a study grows; other
  // replicas' appends are read like our own). VerifyAllocations always
  // reads the whole log afresh.
  absl::StatusOr<std::shared_ptr<const TrialState>> StateOfStudy(
      const std::string& study_id);
  absl::StatusOr<v1::Patient> EnrollRandomised(const v1::Study& study,
                                               v1::Patient patient,
                                               const std::string& by_subject);
  // Appends `entry` after the log's last entry, retrying a lost race.
  absl::StatusOr<v1::TrialLogEntry> Append(const std::string& study_id,
                                           v1::TrialLogEntry entry);

  kip::sessions::EventLog& log_;
  TrialKeys keys_;
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<const TrialState>> states_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace kip::trial

#endif  // KIP_SERVICES_SESSIONS_TRIAL_TRIAL_LOG_H_
