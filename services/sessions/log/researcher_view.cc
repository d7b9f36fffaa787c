#include "services/sessions/log/researcher_view.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace kip::sessions {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// String fields that hold ids, hashes or codes, never free text.
bool IsCodeField(const FieldDescriptor& field) {
  static const auto* const kCodes = new absl::flat_hash_set<std::string>{
      "kip.sessions.v1.Event.event_id",
      "kip.sessions.v1.Event.session_id",
      "kip.sessions.v1.Event.prev_hash_hex",
      "kip.sessions.v1.Event.hash_hex",
      "kip.sessions.v1.Correction.corrected_event_id",
      "kip.sessions.v1.SideEffect.follow_up_of_event_id",
      "kip.sessions.v1.SafetyReportSubmitted.adverse_event_id",
      "kip.sessions.v1.DrugLibraryAlert.verdict",
      "kip.sessions.v1.DrugLibraryAlert.protocol_id",
      "kip.sessions.v1.DrugLibraryAlert.care_area",
      "kip.sessions.v1.AlertedLimit.limit",
      "kip.sessions.v1.PumpAlarm.code",
      "kip.sessions.v1.PumpAlarm.name",
      "kip.sessions.v1.PumpAlarm.phase",
      "kip.sessions.v1.PumpAlarm.state",
      "kip.sessions.v1.PumpMismatch.field",
      "kip.sessions.v1.PumpOrder.order_id",
      "kip.sessions.v1.PumpOrder.commit_ack",
      "kip.sessions.v1.PumpOrder.application_ack",
      "kip.sessions.v1.AlertedLimit.severity",
      "kip.sessions.v1.AlertedLimit.unit",
      "kip.sessions.v1.Questionnaire.instrument",
      "kip.sessions.v1.AdjunctMedication.drug",
      "kip.sessions.v1.AdjunctMedication.route",
  };
  return kCodes->contains(field.full_name());
}

void Withhold(Message& message) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
        field->type() == FieldDescriptor::TYPE_STRING && !IsCodeField(*field)) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          reflection->SetRepeatedString(&message, field, i, kWithheld);
        }
      } else if (!reflection->GetString(message, field).empty()) {
        reflection->SetString(&message, field, kWithheld);
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          Withhold(*reflection->MutableRepeatedMessage(&message, field, i));
        }
      } else {
        Withhold(*reflection->MutableMessage(&message, field));
      }
    }
  }
}

}  // namespace

void WithholdFreeText(kip::sessions::v1::Event& event) { Withhold(event); }

bool WithholdsFreeText(Role role) {
  return role == Role::kResearcher || role == Role::kStatistician;
}

}  // namespace kip::sessions
