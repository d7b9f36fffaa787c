// SessionLogService's trial RPCs (issue #15): allocation lists, emergency
// and study unblinding, trial-log verification; and the export as the caller
// may see it.
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/sessions/log/researcher_view.h"
#include "services/sessions/sessions_service.h"
#include "services/sessions/trial/arm_visibility.h"

namespace kip::sessions {

namespace v1 = kip::sessions::v1;

absl::StatusOr<std::vector<ExportTable>> SessionLogServiceImpl::ExportTables(
    const Principal& caller, const std::string& study_id,
    v1::ExportFormat format, const std::string& token) {
  KIP_ASSIGN_OR_RETURN(view, trial_.View(study_id));
  ExportView export_view;
  if (format == v1::SDTM && protocols_ != nullptr) {
    // DV: the deviations found from the log (empty without a dosing service).
    KIP_ASSIGN_OR_RETURN(sessions, StudySessions(caller, study_id));
    KIP_ASSIGN_OR_RETURN(deviations, Deviations(sessions, token));
    export_view.deviations = std::move(deviations);
  }
  export_view.allocations = view.state->allocations;
  export_view.withhold_free_text = WithholdsFreeText(caller.role);
  export_view.show_patient = [&](v1::Patient& patient) {
    trial::ShowPatient(caller.role, view.study, *view.state, patient);
  };
  for (const v1::TrialLogEntry& e : view.state->entries) {
    if (e.kind() == v1::TrialLogEntry::ALLOCATION) continue;
    v1::TrialLogEntry shown = e;
    shown.clear_arm_id();  // the report says who and why, not which arm
    export_view.unblindings.push_back(std::move(shown));
  }
  v1::Study study = view.study;
  trial::ShowStudy(caller.role, study);
  return ExportStudyTables(log_, study, format, export_view);
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::GetAllocationList(
    grpc::CallbackServerContext* context,
    const v1::GetAllocationListRequest* request,
    v1::GetAllocationListResponse* response) {
  return guard_.Unary(
      context, "GetAllocationList", [&](const Principal& caller) {
        KIP_ASSIGN_OR_RETURN(list, trial_.AllocationList(*request));
        KIP_RETURN_IF_ERROR(
            Audit(caller, "GetAllocationList",
                  absl::StrCat("allocation/", request->study_id())));
        *response = std::move(list);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::UnblindPatient(
    grpc::CallbackServerContext* context,
    const v1::UnblindPatientRequest* request,
    v1::UnblindPatientResponse* response) {
  return guard_.Unary(context, "UnblindPatient", [&](const Principal& caller) {
    KIP_ASSIGN_OR_RETURN(
        study_id,
        trial_.StudyOfPatient(request->study_id(), request->patient_id()));
    // A clinician unblinds patients of their own site only.
    KIP_RETURN_IF_ERROR(
        scope_.CheckPatient(caller, study_id, request->patient_id()));
    v1::UnblindPatientRequest scoped = *request;
    scoped.set_study_id(study_id);
    KIP_ASSIGN_OR_RETURN(unblinded,
                         trial_.UnblindPatient(scoped, caller.subject));
    *response = std::move(unblinded);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::UnblindStudy(
    grpc::CallbackServerContext* context,
    const v1::UnblindStudyRequest* request,
    v1::UnblindStudyResponse* response) {
  return guard_.Unary(context, "UnblindStudy", [&](const Principal& caller) {
    KIP_ASSIGN_OR_RETURN(study, trial_.UnblindStudy(*request, caller.subject));
    *response->mutable_study() = std::move(study);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SessionLogServiceImpl::VerifyAllocations(
    grpc::CallbackServerContext* context,
    const v1::VerifyAllocationsRequest* request,
    v1::VerifyAllocationsResponse* response) {
  return guard_.Unary(context, "VerifyAllocations", [&](const Principal&) {
    KIP_ASSIGN_OR_RETURN(result, trial_.Verify(request->study_id()));
    *response = std::move(result);
    return absl::OkStatus();
  });
}

}  // namespace kip::sessions
