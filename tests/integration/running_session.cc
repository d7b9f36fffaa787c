#include "tests/integration/running_session.h"

#include "absl/strings/str_cat.h"
#include "services/sessions/store/row_codec.h"
#include "tests/testing/session_records.h"

namespace kip::testing {

namespace sv1 = kip::sessions::v1;

namespace {

absl::Status Failed(const std::string& what, const grpc::Status& status) {
  return absl::InternalError(absl::StrCat(what, ": ", status.error_code(), " ",
                                          status.error_message()));
}

}  // namespace

absl::Status CreateStudyS1WithPatientP1(sv1::SessionLogService::Stub& stub,
                                        const ContextForRole& as,
                                        const std::string& protocol_id) {
  sv1::CreateStudyRequest study;
  *study.mutable_study() = sessions::testing::MakeStudy("S1");
  if (!protocol_id.empty())
    study.mutable_study()->add_protocol_ids(protocol_id);
  sv1::CreateStudyResponse created;
  grpc::Status status =
      stub.CreateStudy(as("clinician").get(), study, &created);
  if (!status.ok()) return Failed("CreateStudy", status);
  sv1::EnrollPatientRequest enroll;
  *enroll.mutable_patient() = sessions::testing::MakePatient("S1", "P1");
  sv1::EnrollPatientResponse enrolled;
  status = stub.EnrollPatient(as("clinician").get(), enroll, &enrolled);
  if (!status.ok()) return Failed("EnrollPatient", status);
  return absl::OkStatus();
}

absl::StatusOr<std::string> StartSessionOfP1(sv1::SessionLogService::Stub& stub,
                                             const ContextForRole& as,
                                             const std::string& protocol_id) {
  sv1::StartSessionRequest start;
  *start.mutable_session() = sessions::testing::MakeSession("S1", "P1");
  if (!protocol_id.empty())
    start.mutable_session()->set_protocol_id(protocol_id);
  sv1::StartSessionResponse started;
  const grpc::Status status =
      stub.StartSession(as("device").get(), start, &started);
  if (!status.ok()) return Failed("StartSession", status);
  return started.session().session_id();
}

absl::StatusOr<std::string> StartSessionWith70MgReceived(
    sv1::SessionLogService::Stub& stub, const ContextForRole& as) {
  absl::Status created = CreateStudyS1WithPatientP1(stub, as, "bosma-2018");
  if (!created.ok()) return created;
  absl::StatusOr<std::string> session_id =
      StartSessionOfP1(stub, as, "bosma-2018");
  if (!session_id.ok()) return session_id.status();
  sv1::AppendEventsRequest append;
  sv1::Event* event = append.add_events();
  event->set_event_id(sessions::testing::NewUuid());
  event->set_session_id(*session_id);
  *event->mutable_device_time() =
      sessions::ToTimestamp(absl::Now() - absl::Hours(2));
  event->mutable_infusion_started()->set_rate_mg_per_h(35);
  event->mutable_infusion_started()->set_concentration_mg_per_ml(1);
  sv1::AppendEventsResponse acks;
  const grpc::Status status =
      stub.AppendEvents(as("device").get(), append, &acks);
  if (!status.ok()) return Failed("AppendEvents", status);
  return *session_id;
}

}  // namespace kip::testing
