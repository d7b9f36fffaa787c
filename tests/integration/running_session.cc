#include "tests/integration/running_session.h"

#include "absl/strings/str_cat.h"
#include "services/sessions/store/row_codec.h"
#include "services/sessions/store/store_test_fixture.h"

namespace kip::testing {

namespace sv1 = kip::sessions::v1;

namespace {

absl::Status Failed(const std::string& what, const grpc::Status& status) {
  return absl::InternalError(absl::StrCat(what, ": ", status.error_code(), " ",
                                          status.error_message()));
}

}  // namespace

absl::StatusOr<std::string> StartSessionWith70MgReceived(
    sv1::SessionLogService::Stub& stub, const ContextForRole& as) {
  sv1::CreateStudyRequest study;
  *study.mutable_study() = sessions::testing::MakeStudy("S1");
  study.mutable_study()->add_protocol_ids("bosma-2018");
  sv1::CreateStudyResponse created;
  grpc::Status status =
      stub.CreateStudy(as("clinician").get(), study, &created);
  if (!status.ok()) return Failed("CreateStudy", status);
  sv1::EnrollPatientRequest enroll;
  *enroll.mutable_patient() = sessions::testing::MakePatient("S1", "P1");
  sv1::EnrollPatientResponse enrolled;
  status = stub.EnrollPatient(as("clinician").get(), enroll, &enrolled);
  if (!status.ok()) return Failed("EnrollPatient", status);
  sv1::StartSessionRequest start;
  *start.mutable_session() = sessions::testing::MakeSession("S1", "P1");
  start.mutable_session()->set_protocol_id("bosma-2018");
  sv1::StartSessionResponse started;
  status = stub.StartSession(as("device").get(), start, &started);
  if (!status.ok()) return Failed("StartSession", status);
  sv1::AppendEventsRequest append;
  sv1::Event* event = append.add_events();
  event->set_event_id(sessions::testing::NewUuid());
  event->set_session_id(started.session().session_id());
  *event->mutable_device_time() =
      sessions::ToTimestamp(absl::Now() - absl::Hours(2));
  event->mutable_infusion_started()->set_rate_mg_per_h(35);
  event->mutable_infusion_started()->set_concentration_mg_per_ml(1);
  sv1::AppendEventsResponse acks;
  status = stub.AppendEvents(as("device").get(), append, &acks);
  if (!status.ok()) return Failed("AppendEvents", status);
  return started.session().session_id();
}

}  // namespace kip::testing
