// Hostile input against the real sessions and dosing servers: NaN, ±Inf and
// negative values in every numeric field of every event type, unknown enum
// values, repeated ids, far-future times, oversized, truncated and deeply
// nested messages. Each gets a clear error (INVALID_ARGUMENT naming the field
// where a field is at fault), nothing is written, and the server lives on.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"
#include "kip/dosing/v1/dosing.grpc.pb.h"
#include "kip/sessions/v1/sessions.grpc.pb.h"
#include "tests/integration/running_session.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_auth.h"
#include "tests/testing/session_records.h"

namespace kip {
namespace {

namespace sv1 = kip::sessions::v1;
namespace dv1 = kip::dosing::v1;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// One valid event of each type that carries numbers or enums (payload only;
// the test fills ids and time).
const char* const kValidPayloads[] = {
    "infusion_started { rate_mg_per_kg_per_h: 0.5 rate_mg_per_h: 35 "
    "rate_ml_per_h: 35 concentration_mg_per_ml: 1 }",
    "rate_changed { rate_mg_per_kg_per_h: 0.6 rate_mg_per_h: 42 "
    "rate_ml_per_h: 42 reason: \"titration\" }",
    "bolus { dose_mg: 10 dose_mg_per_kg: 0.14 }",
    "pain_score { nrs: 4 timepoint: FOLLOW_UP follow_up_day: 30 }",
    "questionnaire { instrument: \"BPI-SF\" severity_items: [4, 5, 3, 4] "
    "interference_items: [3, 3, 4, 2, 5, 4, 3] timepoint: FOLLOW_UP "
    "follow_up_day: 30 }",
    "side_effect { type: NAUSEA severity: MILD ctcae_grade: 1 }",
    "vital_signs { systolic_bp_mmhg: 120 diastolic_bp_mmhg: 80 "
    "heart_rate_per_min: 70 spo2_percent: 98 respiratory_rate_per_min: 14 "
    "sedation_score: 1 }",
    "adjunct_medication { drug: \"ondansetron\" dose_mg: 4 route: \"IV\" "
    "reason: \"nausea\" }",
    "drug_library_alert { verdict: \"HARD_LIMIT\" limits { limit: "
    "\"drug_library.continuous_rate_max\" severity: \"HARD\" value: 2.1 "
    "bound: 2 unit: \"mg/kg/h\" } protocol_id: \"bosma-2018\" "
    "rate_mg_per_h: 150 }",
};

// Filled by the server from other fields; whatever the client sends there
// is replaced, so it is not an input.
bool ServerComputed(const FieldDescriptor& f) {
  return f.name() == "severity_score" || f.name() == "interference_score";
}

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string key = auth_.PublicKeyFlag();
    auto sessions = testing::ServerProcess::Start(
        "services/sessions/sessions_server",
        {key, "--call_log=false",
         absl::StrCat("--data_dir=", getenv("TEST_TMPDIR"), "/",
                      sessions::testing::NewUuid())},
        "sessions");
    ASSERT_TRUE(sessions.ok()) << sessions.status();
    sessions_ = std::make_unique<testing::ServerProcess>(std::move(*sessions));
    auto dosing = testing::ServerProcess::Start(
        "services/dosing/dosing_server",
        {key, "--call_log=false", "--sessions_address="}, "dosing");
    ASSERT_TRUE(dosing.ok()) << dosing.status();
    dosing_ = std::make_unique<testing::ServerProcess>(std::move(*dosing));
    channel_ = grpc::CreateChannel(sessions_->address(),
                                   grpc::InsecureChannelCredentials());
    stub_ = sv1::SessionLogService::NewStub(channel_);
    const testing::ContextForRole as = auth_.AsRole(absl::Seconds(20));
    ASSERT_TRUE(testing::CreateStudyS1WithPatientP1(*stub_, as).ok());
    absl::StatusOr<std::string> started = testing::StartSessionOfP1(*stub_, as);
    ASSERT_TRUE(started.ok()) << started.status();
    session_id_ = *started;
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& role) {
    return auth_.Context(role, absl::Seconds(20));
  }

  sv1::Event Event(const std::string& payload) {
    sv1::Event e = sessions::testing::PainEvent(session_id_, 1);
    e.clear_pain_score();
    EXPECT_TRUE(google::protobuf::TextFormat::MergeFromString(payload, &e))
        << payload;
    e.set_event_id(sessions::testing::NewUuid());
    return e;
  }

  grpc::Status Append(const std::vector<sv1::Event>& events) {
    sv1::AppendEventsRequest request;
    for (const sv1::Event& e : events) *request.add_events() = e;
    sv1::AppendEventsResponse response;
    return stub_->AppendEvents(As("device").get(), request, &response);
  }

  int64_t EventsLogged() {
    sv1::GetSessionRequest get;
    get.set_session_id(session_id_);
    sv1::GetSessionResponse session;
    EXPECT_TRUE(stub_->GetSession(As("clinician").get(), get, &session).ok());
    return session.events_size();
  }

  grpc::Status RawCall(const std::string& method, const std::string& bytes) {
    grpc::GenericStub generic(channel_);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1), response;
    auto context = As("device");
    grpc::CompletionQueue cq;
    auto call = generic.PrepareUnaryCall(context.get(), method, request, &cq);
    call->StartCall();
    grpc::Status status;
    void* tag = nullptr;
    bool ok = false;
    call->Finish(&response, &status, reinterpret_cast<void*>(1));
    cq.Next(&tag, &ok);
    return status;
  }

  const testing::TestAuth auth_;
  std::unique_ptr<testing::ServerProcess> sessions_, dosing_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<sv1::SessionLogService::Stub> stub_;
  std::string session_id_;
};

TEST_F(HostileInputTest, EveryValidExampleIsAccepted) {
  std::vector<sv1::Event> events;
  for (const char* payload : kValidPayloads) events.push_back(Event(payload));
  grpc::Status status = Append(events);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(EventsLogged(), static_cast<int64_t>(events.size()));
}

// Every numeric field of every event type: NaN, +Inf, -Inf, -1 and a huge
// value each give INVALID_ARGUMENT naming the field, and write nothing.
TEST_F(HostileInputTest, BadNumbersInEveryNumericFieldAreRefusedByName) {
  const double kBad[] = {std::nan(""), std::numeric_limits<double>::infinity(),
                         -std::numeric_limits<double>::infinity(), -1, 1e300};
  int checked = 0;
  for (const char* payload : kValidPayloads) {
    const sv1::Event valid = Event(payload);
    const Reflection* event_reflection = valid.GetReflection();
    std::vector<const FieldDescriptor*> set;
    event_reflection->ListFields(valid, &set);
    for (const FieldDescriptor* oneof_field : set) {
      if (oneof_field->containing_oneof() == nullptr) continue;
      const google::protobuf::Descriptor* type = oneof_field->message_type();
      for (int i = 0; i < type->field_count(); ++i) {
        const FieldDescriptor* f = type->field(i);
        if (ServerComputed(*f)) continue;
        const bool floating = f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE;
        const bool integral = f->cpp_type() == FieldDescriptor::CPPTYPE_INT32;
        if (!floating && !integral) continue;
        for (double bad : kBad) {
          if (integral && !std::isfinite(bad)) continue;
          sv1::Event e = valid;
          e.set_event_id(sessions::testing::NewUuid());
          Message* payload_message =
              event_reflection->MutableMessage(&e, oneof_field);
          const Reflection* r = payload_message->GetReflection();
          if (f->is_repeated()) {
            if (r->FieldSize(*payload_message, f) == 0) continue;
            r->SetRepeatedDouble(payload_message, f, 0, bad);
          } else if (floating) {
            r->SetDouble(payload_message, f, bad);
          } else {
            r->SetInt32(payload_message, f,
                        bad < 0 ? -1 : std::numeric_limits<int32_t>::max());
          }
          const grpc::Status status = Append({e});
          EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
              << f->full_name() << " = " << bad;
          EXPECT_TRUE(absl::StrContains(status.error_message(), f->name()))
              << f->full_name() << " = " << bad << ": "
              << status.error_message();
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 80);
  EXPECT_EQ(EventsLogged(), 0);
}

TEST_F(HostileInputTest, UnknownEnumsRepeatedIdsAndFarFutureTimesAreRefused) {
  sv1::Event unknown_type = Event("side_effect { severity: MILD }");
  unknown_type.mutable_side_effect()->set_type(
      static_cast<sv1::SideEffectType>(999));
  grpc::Status status = Append({unknown_type});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "type"))
      << status.error_message();

  sv1::Event unknown_timepoint = Event("pain_score { nrs: 3 }");
  unknown_timepoint.mutable_pain_score()->set_timepoint(
      static_cast<sv1::PainTimepoint>(77));
  status = Append({unknown_timepoint});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "timepoint"))
      << status.error_message();

  sv1::Event first = Event("pain_score { nrs: 3 timepoint: DURING }");
  sv1::Event twin = first;
  twin.mutable_pain_score()->set_nrs(4);
  status = Append({first, twin});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "event_id"))
      << status.error_message();

  sv1::Event future = Event("pain_score { nrs: 3 timepoint: DURING }");
  future.mutable_device_time()->set_seconds(32503680000);  // year 3000
  status = Append({future});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "device_time"))
      << status.error_message();

  sv1::Event no_session = Event("pain_score { nrs: 3 timepoint: DURING }");
  no_session.set_session_id(sessions::testing::NewUuid());
  status = Append({no_session});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(EventsLogged(), 0);
}

TEST_F(HostileInputTest, OversizedTruncatedAndNestedMessagesLeaveNoTrace) {
  const std::string append = "/kip.sessions.v1.SessionLogService/AppendEvents";
  // 5 MiB of one note: above the 4 MiB message limit.
  sv1::Event big = Event("note { text: \"x\" }");
  big.mutable_note()->set_text(std::string(5 << 20, 'x'));
  sv1::AppendEventsRequest oversized;
  *oversized.add_events() = big;
  EXPECT_EQ(RawCall(append, oversized.SerializeAsString()).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);

  // A valid request cut short at every 7th byte.
  sv1::AppendEventsRequest whole;
  *whole.add_events() = Event("pain_score { nrs: 3 timepoint: DURING }");
  const std::string bytes = whole.SerializeAsString();
  for (size_t cut = 1; cut < bytes.size(); cut += 7) {
    const grpc::Status status = RawCall(append, bytes.substr(0, cut));
    EXPECT_FALSE(status.ok()) << "cut at " << cut;
  }

  // Corrections nest events: 200 levels deep, past protobuf's limit of 100.
  sv1::Event nested = Event("pain_score { nrs: 3 timepoint: DURING }");
  for (int depth = 0; depth < 200; ++depth) {
    sv1::Event outer = Event("correction { reason: \"r\" }");
    outer.mutable_correction()->set_corrected_event_id(
        sessions::testing::NewUuid());
    *outer.mutable_correction()->mutable_replacement() = std::move(nested);
    nested = std::move(outer);
  }
  sv1::AppendEventsRequest deep;
  *deep.add_events() = nested;
  EXPECT_FALSE(RawCall(append, deep.SerializeAsString()).ok());

  // Random bytes.
  std::string garbage(4096, '\0');
  for (size_t i = 0; i < garbage.size(); ++i) {
    garbage[i] = static_cast<char>((i * 2654435761u) >> 13);
  }
  EXPECT_FALSE(RawCall(append, garbage).ok());

  EXPECT_EQ(EventsLogged(), 0);
  // Still serving.
  EXPECT_TRUE(Append({Event("pain_score { nrs: 3 timepoint: DURING }")}).ok());
}

TEST_F(HostileInputTest, DosingRefusesNonFiniteNumbersByName) {
  auto dosing = dv1::DosingService::NewStub(grpc::CreateChannel(
      dosing_->address(), grpc::InsecureChannelCredentials()));
  const double kBad[] = {std::nan(""), std::numeric_limits<double>::infinity(),
                         -std::numeric_limits<double>::infinity(), -1};
  struct Case {
    const char* field;
    std::function<void(dv1::ValidateProgramRequest&, double)> set;
  };
  const std::vector<Case> cases = {
      {"weight_kg",
       [](auto& r, double v) { r.mutable_patient()->set_weight_kg(v); }},
      {"concentration_mg_per_ml",
       [](auto& r, double v) { r.set_concentration_mg_per_ml(v); }},
      {"rate_mg_per_h",
       [](auto& r, double v) { r.mutable_program()->set_rate_mg_per_h(v); }},
      {"duration_min",
       [](auto& r, double v) { r.mutable_program()->set_duration_min(v); }},
  };
  for (const Case& c : cases) {
    for (double bad : kBad) {
      dv1::ValidateProgramRequest request;
      request.set_protocol_id("bosma-2018");
      request.mutable_patient()->set_weight_kg(70);
      request.set_concentration_mg_per_ml(1);
      request.set_care_area(kip::common::v1::OUTPATIENT_PAIN);
      request.mutable_program()->set_rate_mg_per_h(35);
      request.mutable_program()->set_duration_min(360);
      c.set(request, bad);
      dv1::ValidateProgramResponse response;
      const grpc::Status status =
          dosing->ValidateProgram(As("device").get(), request, &response);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << c.field << " = " << bad;
      EXPECT_TRUE(absl::StrContains(status.error_message(), c.field))
          << c.field << " = " << bad << ": " << status.error_message();
    }
  }
}

}  // namespace
}  // namespace kip
