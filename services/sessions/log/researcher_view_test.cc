// The researcher's view withholds free text and staff identity but keeps
// codes, ids and numbers; and the patient record has no identifying field.
#include "services/sessions/log/researcher_view.h"

#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "kip/sessions/v1/sessions.pb.h"

namespace kip::sessions {
namespace {

namespace v1 = kip::sessions::v1;

TEST(ResearcherViewTest, FreeTextAndStaffAreWithheldCodesAndNumbersKept) {
  v1::Event note;
  note.set_event_id("e1");
  note.set_session_id("s1");
  note.set_recorded_by("nurse-jane");
  note.set_hash_hex("ab12");
  note.mutable_note()->set_text("Mrs Smith's daughter called");
  WithholdFreeText(note);
  EXPECT_EQ(note.note().text(), kWithheld);
  EXPECT_EQ(note.recorded_by(), kWithheld);
  EXPECT_EQ(note.event_id(), "e1");
  EXPECT_EQ(note.session_id(), "s1");
  EXPECT_EQ(note.hash_hex(), "ab12");

  v1::Event effect;
  effect.mutable_side_effect()->set_type(v1::NAUSEA);
  effect.mutable_side_effect()->set_ctcae_grade(2);
  effect.mutable_side_effect()->set_description("told me about her son Tom");
  WithholdFreeText(effect);
  EXPECT_EQ(effect.side_effect().type(), v1::NAUSEA);
  EXPECT_EQ(effect.side_effect().ctcae_grade(), 2);
  EXPECT_EQ(effect.side_effect().description(), kWithheld);
  EXPECT_TRUE(effect.side_effect().action_taken().empty());  // stays unset

  v1::Event adjunct;
  adjunct.mutable_adjunct_medication()->set_drug("ondansetron");
  adjunct.mutable_adjunct_medication()->set_route("IV");
  adjunct.mutable_adjunct_medication()->set_dose_mg(4);
  adjunct.mutable_adjunct_medication()->set_reason("asked by Dr Who");
  WithholdFreeText(adjunct);
  EXPECT_EQ(adjunct.adjunct_medication().drug(), "ondansetron");
  EXPECT_EQ(adjunct.adjunct_medication().route(), "IV");
  EXPECT_EQ(adjunct.adjunct_medication().dose_mg(), 4);
  EXPECT_EQ(adjunct.adjunct_medication().reason(), kWithheld);

  v1::Event correction;
  correction.mutable_correction()->set_corrected_event_id("e1");
  correction.mutable_correction()->set_reason("typo in Smith");
  correction.mutable_correction()
      ->mutable_replacement()
      ->mutable_note()
      ->set_text("Mrs Smith");
  WithholdFreeText(correction);
  EXPECT_EQ(correction.correction().corrected_event_id(), "e1");
  EXPECT_EQ(correction.correction().reason(), kWithheld);
  EXPECT_EQ(correction.correction().replacement().note().text(), kWithheld);
}

// A guard on the schema: a field that would identify a patient directly
// must not be added to what sessions stores about one.
TEST(ResearcherViewTest, ThePatientRecordHasNoIdentifyingField) {
  const google::protobuf::Descriptor* patient = v1::Patient::descriptor();
  for (int i = 0; i < patient->field_count(); ++i) {
    const std::string name = absl::AsciiStrToLower(patient->field(i)->name());
    for (const char* identifying :
         {"name", "birth", "dob", "mrn", "address", "phone", "email", "ssn",
          "insurance", "postcode", "zip"}) {
      EXPECT_FALSE(absl::StrContains(name, identifying))
          << "Patient." << patient->field(i)->name();
    }
  }
}

}  // namespace
}  // namespace kip::sessions
