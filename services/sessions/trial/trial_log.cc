#include "services/sessions/trial/trial_log.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/digest.h"
#include "base/status_macros.h"
#include "services/sessions/log/validation.h"
#include "services/sessions/store/row_codec.h"
#include "services/sessions/trial/allocator.h"
#include "services/sessions/trial/arm_visibility.h"

namespace kip::trial {

namespace {

constexpr int kSeedBytes = 32;
// Concurrent writers of one study's log (several replicas) retry this often.
constexpr int kAppendAttempts = 64;
constexpr int kDefaultScheduleLength = 50;
constexpr int kMaxScheduleLength = 10000;

absl::Status CheckReason(const std::string& reason) {
  if (reason.size() < 3 || reason.size() > 2000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "reason: ", reason.size(),
        " characters; an unblinding needs a reason of 3..2000 characters"));
  }
  return absl::OkStatus();
}

// What the caller chose, without what KIP sets.
v1::Patient AsRequested(v1::Patient p) {
  p.clear_arm_id();
  p.clear_kit_code();
  p.clear_enrolled_time();
  p.clear_arm_withheld();
  p.clear_emergency_unblinded();
  return p;
}

}  // namespace

absl::StatusOr<v1::Study> TrialLog::CreateStudy(v1::Study study) {
  study.clear_unblinded();
  study.clear_unblinded_time();
  study.clear_blinded_arm_count();
  KIP_RETURN_IF_ERROR(ValidateRandomisation(study));
  if (!IsRandomised(study)) return log_.CreateStudy(std::move(study));
  for (v1::Arm& arm : *study.mutable_arms()) {
    if (arm.ratio() == 0) arm.set_ratio(1);
  }
  KIP_ASSIGN_OR_RETURN(seed, SecureRandomBytes(kSeedBytes));
  KIP_ASSIGN_OR_RETURN(sealed, keys_.Seal(study.id(), seed));
  return log_.CreateStudy(std::move(study), sealed);
}

absl::StatusOr<v1::Patient> TrialLog::Enroll(v1::Patient patient,
                                             const std::string& by_subject) {
  patient.clear_kit_code();
  patient.clear_arm_withheld();
  patient.clear_emergency_unblinded();
  if (patient.study_id().empty()) return log_.EnrollPatient(patient);
  KIP_ASSIGN_OR_RETURN(study, log_.GetStudy(patient.study_id()));
  if (!IsRandomised(study)) return log_.EnrollPatient(std::move(patient));
  if (!patient.arm_id().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("patient.arm_id: study '", study.id(), "' is randomised (",
                     v1::AllocationMethod_Name(study.randomisation().method()),
                     "); KIP assigns the arm, leave arm_id empty"));
  }
  return EnrollRandomised(study, std::move(patient), by_subject);
}

absl::StatusOr<v1::Patient> TrialLog::EnrollRandomised(
    const v1::Study& study, v1::Patient patient,
    const std::string& by_subject) {
  KIP_ASSIGN_OR_RETURN(seed, Seed(study.id()));
  for (int attempt = 0; attempt < kAppendAttempts; ++attempt) {
    absl::StatusOr<std::optional<v1::Patient>> existing =
        log_.store().FindPatient(patient.study_id(), patient.patient_id());
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      if (AsRequested(**existing).SerializeAsString() ==
          AsRequested(patient).SerializeAsString()) {
        return **existing;  // a retried enrolment: the first allocation
      }
      return absl::AlreadyExistsError(
          absl::StrCat("patient '", patient.patient_id(),
                       "' already exists with different content"));
    }
    KIP_ASSIGN_OR_RETURN(view, View(study.id()));
    if (view.state->study_unblinding.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "study '", study.id(), "' was unblinded; its enrolment is closed"));
    }
    KIP_ASSIGN_OR_RETURN(
        entry, Allocate(study, seed, view.state->allocations, patient));
    v1::Patient row = patient;
    row.set_arm_id(entry.arm_id());
    row.set_kit_code(entry.kit_code());
    KIP_RETURN_IF_ERROR(kip::sessions::ValidatePatient(row));
    KIP_RETURN_IF_ERROR(kip::sessions::EventLog::CheckEnrolment(study, row));
    const absl::Time now = absl::Now();
    *row.mutable_enrolled_time() = kip::sessions::ToTimestamp(now);
    entry.set_study_id(study.id());
    entry.set_by_subject(by_subject);
    *entry.mutable_time() = kip::sessions::ToTimestamp(now);
    const TrialLogRow log_row = Chain(
        keys_.chain_key(),
        view.state->entries.empty() ? nullptr : &view.state->entries.back(),
        entry);
    absl::Status appended =
        log_.store().AppendTrialLog(study.id(), log_row, &row);
    if (appended.ok()) return row;
    if (!absl::IsAlreadyExists(appended)) return appended;
  }
  return absl::AbortedError(absl::StrCat("study '", study.id(),
                                         "': enrolment lost ", kAppendAttempts,
                                         " races for the trial log; retry"));
}

absl::StatusOr<StudyView> TrialLog::View(const std::string& study_id) {
  KIP_ASSIGN_OR_RETURN(study, log_.GetStudy(study_id));
  return ViewOf(std::move(study));
}

absl::StatusOr<StudyView> TrialLog::ViewOf(v1::Study study) {
  StudyView view;
  if (IsRandomised(study)) {
    KIP_ASSIGN_OR_RETURN(state, StateOfStudy(study.id()));
    view.state = std::move(state);
    FillUnblinding(*view.state, study);
  } else {
    static const auto* const kEmpty = new std::shared_ptr<const TrialState>(
        std::make_shared<const TrialState>());
    view.state = *kEmpty;
  }
  view.study = std::move(study);
  return view;
}

absl::StatusOr<std::shared_ptr<const TrialState>> TrialLog::StateOfStudy(
    const std::string& study_id) {
  std::shared_ptr<const TrialState> known;
  {
    absl::MutexLock lock(&mu_);
    auto it = states_.find(study_id);
    if (it != states_.end()) known = it->second;
  }
  const int64_t read = known ? known->entries.size() : 0;
  KIP_ASSIGN_OR_RETURN(rows, log_.store().ListTrialLog(study_id, read));
  if (known && rows.empty()) return known;
  KIP_ASSIGN_OR_RETURN(entries, ParseRows(rows));
  auto next = known ? std::make_shared<TrialState>(*known)
                    : std::make_shared<TrialState>();
  for (v1::TrialLogEntry& e : entries) AddToState(std::move(e), *next);
  absl::MutexLock lock(&mu_);
  std::shared_ptr<const TrialState>& slot = states_[study_id];
  if (!slot || slot->entries.size() < next->entries.size()) slot = next;
  return std::shared_ptr<const TrialState>(next);
}

absl::StatusOr<std::string> TrialLog::StudyOfPatient(
    const std::string& study_id, const std::string& patient_id) {
  if (!study_id.empty()) return study_id;
  KIP_ASSIGN_OR_RETURN(studies, log_.store().StudiesInTrialLog(patient_id));
  if (studies.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "patient_id: no randomised study has a patient '", patient_id, "'"));
  }
  if (studies.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("study_id: patient '", patient_id, "' is in studies ",
                     absl::StrJoin(studies, ", "), "; name one"));
  }
  return studies.front();
}

absl::StatusOr<v1::UnblindPatientResponse> TrialLog::UnblindPatient(
    const v1::UnblindPatientRequest& request, const std::string& by_subject) {
  KIP_RETURN_IF_ERROR(CheckReason(request.reason()));
  KIP_ASSIGN_OR_RETURN(
      study_id, StudyOfPatient(request.study_id(), request.patient_id()));
  KIP_ASSIGN_OR_RETURN(view, View(study_id));
  if (!view.study.blinded()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "study '", study_id, "' is not blinded: its arms are not withheld"));
  }
  KIP_ASSIGN_OR_RETURN(patient,
                       log_.GetPatient(study_id, request.patient_id()));
  v1::UnblindPatientResponse response;
  for (const v1::TrialLogEntry& e : view.state->entries) {
    if (e.kind() == v1::TrialLogEntry::EMERGENCY_UNBLINDING &&
        e.patient_id() == patient.patient_id()) {
      *response.mutable_entry() = e;  // already unblinded: nothing new logged
    }
  }
  if (!response.has_entry() && !view.state->study_unblinding.has_value()) {
    v1::TrialLogEntry entry;
    entry.set_kind(v1::TrialLogEntry::EMERGENCY_UNBLINDING);
    entry.set_patient_id(patient.patient_id());
    entry.set_arm_id(patient.arm_id());
    entry.set_kit_code(patient.kit_code());
    entry.set_by_subject(by_subject);
    entry.set_reason(request.reason());
    KIP_ASSIGN_OR_RETURN(logged, Append(study_id, std::move(entry)));
    *response.mutable_entry() = std::move(logged);
  }
  patient.set_emergency_unblinded(response.has_entry());
  *response.mutable_patient() = std::move(patient);
  return response;
}

absl::StatusOr<v1::Study> TrialLog::UnblindStudy(
    const v1::UnblindStudyRequest& request, const std::string& by_subject) {
  KIP_RETURN_IF_ERROR(CheckReason(request.reason()));
  KIP_ASSIGN_OR_RETURN(view, View(request.study_id()));
  if (!view.study.blinded()) {
    return absl::FailedPreconditionError(
        absl::StrCat("study '", request.study_id(), "' is not blinded"));
  }
  if (view.state->study_unblinding.has_value()) return view.study;
  v1::TrialLogEntry entry;
  entry.set_kind(v1::TrialLogEntry::STUDY_UNBLINDING);
  entry.set_by_subject(by_subject);
  entry.set_reason(request.reason());
  KIP_RETURN_IF_ERROR(Append(request.study_id(), std::move(entry)).status());
  KIP_ASSIGN_OR_RETURN(unblinded, View(request.study_id()));
  return unblinded.study;
}

absl::StatusOr<v1::GetAllocationListResponse> TrialLog::AllocationList(
    const v1::GetAllocationListRequest& request) {
  const int length = request.schedule_length() == 0 ? kDefaultScheduleLength
                                                    : request.schedule_length();
  if (length < 0 || length > kMaxScheduleLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("schedule_length: ", request.schedule_length(),
                     " is outside 0..", kMaxScheduleLength));
  }
  KIP_ASSIGN_OR_RETURN(view, View(request.study_id()));
  if (!IsRandomised(view.study)) {
    return absl::FailedPreconditionError(
        absl::StrCat("study '", request.study_id(),
                     "' is not randomised: its callers choose the arms"));
  }
  KIP_ASSIGN_OR_RETURN(seed, Seed(request.study_id()));
  v1::GetAllocationListResponse response;
  response.set_seed_hex(HexEncode(seed));
  std::set<std::string> strata;
  for (const v1::TrialLogEntry& e : view.state->allocations)
    strata.insert(e.stratum());
  for (v1::ScheduledAllocation& place :
       Schedule(view.study, seed, {strata.begin(), strata.end()}, length)) {
    *response.add_schedule() = std::move(place);
  }
  for (const v1::TrialLogEntry& e : view.state->entries)
    *response.add_entries() = e;
  *response.mutable_study() = std::move(view.study);
  return response;
}

absl::StatusOr<v1::VerifyAllocationsResponse> TrialLog::Verify(
    const std::string& study_id) {
  KIP_ASSIGN_OR_RETURN(study, log_.GetStudy(study_id));
  if (!IsRandomised(study)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "study '", study_id, "' is not randomised: it has no trial log"));
  }
  KIP_ASSIGN_OR_RETURN(rows, log_.store().ListTrialLog(study_id, 0));
  KIP_ASSIGN_OR_RETURN(patients, log_.store().ListPatients(study_id));
  return VerifyTrialLog(keys_.chain_key(), study_id, rows, patients);
}

absl::StatusOr<std::string> TrialLog::Seed(const std::string& study_id) {
  KIP_ASSIGN_OR_RETURN(sealed, log_.store().FindSealedSeed(study_id));
  if (!sealed.has_value()) {
    return absl::DataLossError(absl::StrCat(
        "study '", study_id, "' is randomised but has no sealed seed"));
  }
  return keys_.Unseal(study_id, *sealed);
}

absl::StatusOr<v1::TrialLogEntry> TrialLog::Append(const std::string& study_id,
                                                   v1::TrialLogEntry entry) {
  entry.set_study_id(study_id);
  *entry.mutable_time() = kip::sessions::ToTimestamp(absl::Now());
  for (int attempt = 0; attempt < kAppendAttempts; ++attempt) {
    KIP_ASSIGN_OR_RETURN(state, StateOfStudy(study_id));
    const TrialLogRow row =
        Chain(keys_.chain_key(),
              state->entries.empty() ? nullptr : &state->entries.back(), entry);
    absl::Status appended = log_.store().AppendTrialLog(study_id, row, nullptr);
    if (appended.ok()) return entry;
    if (!absl::IsAlreadyExists(appended)) return appended;
  }
  return absl::AbortedError(
      absl::StrCat("study '", study_id, "': the trial log stayed busy; retry"));
}

}  // namespace kip::trial
