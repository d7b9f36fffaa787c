// The ODM 1.3.2 export validated against CDISC's schemas with libxml2, and
// what it holds: corrected values with the correction's reason in the audit
// record, the signature on its session, the kit code without a withheld arm.
#include "services/sessions/log/odm_export.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "base/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kip::sessions {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Empty when `xml` is valid; else libxml2's messages.
std::string SchemaErrors(const std::string& xml) {
  std::string errors;
  xmlSchemaParserCtxtPtr parser =
      xmlSchemaNewParserCtxt("tests/data/odm-1.3.2/ODM1-3-2.xsd");
  xmlSchemaPtr schema = xmlSchemaParse(parser);
  if (schema == nullptr) return "the ODM schema did not load";
  xmlSchemaValidCtxtPtr valid = xmlSchemaNewValidCtxt(schema);
  xmlSchemaSetValidStructuredErrors(
      valid,
      [](void* out, xmlErrorPtr error) {
        static_cast<std::string*>(out)->append(error->message);
      },
      &errors);
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()),
                                "odm.xml", nullptr, XML_PARSE_NONET);
  if (doc == nullptr) {
    errors = "not well-formed XML";
  } else if (xmlSchemaValidateDoc(valid, doc) != 0 && errors.empty()) {
    errors = "invalid";
  }
  if (doc) xmlFreeDoc(doc);
  xmlSchemaFreeValidCtxt(valid);
  xmlSchemaFree(schema);
  xmlSchemaFreeParserCtxt(parser);
  return errors;
}

v1::Event At(const std::string& id, int64_t seconds) {
  v1::Event e;
  e.set_event_id(id);
  e.set_session_id("sess-1");
  e.set_recorded_by("clinician-1");
  e.set_hash_hex("ab12");
  *e.mutable_server_time() = ProtoFromTime(absl::FromUnixSeconds(seconds));
  *e.mutable_device_time() = e.server_time();
  return e;
}

std::vector<PatientRecord> Records() {
  PatientRecord r;
  r.patient.set_study_id("S1");
  r.patient.set_patient_id("P1");
  r.patient.set_site_id("site-a");
  r.patient.set_baseline_weight_kg(70);
  r.patient.set_sex(kip::common::v1::FEMALE);
  r.patient.set_condition(v1::CRPS);
  r.patient.set_baseline_pain_nrs(7);
  r.patient.set_kit_code("KIT-ABCD1234");
  r.patient.set_arm_withheld(true);
  v1::GetSessionResponse s;
  s.mutable_session()->set_session_id("sess-1");
  v1::Event start = At("e1", 1790000000);
  start.mutable_infusion_started()->set_rate_mg_per_h(35);
  v1::Event pain = At("e2", 1790000600);
  pain.mutable_pain_score()->set_nrs(8);
  pain.mutable_pain_score()->set_timepoint(v1::DURING);
  v1::Event ae = At("e3", 1790000700);
  ae.mutable_side_effect()->set_type(v1::HYPERTENSION);
  ae.mutable_side_effect()->set_severity(v1::SEVERE);
  ae.mutable_side_effect()->set_serious(true);
  ae.mutable_side_effect()->add_seriousness_criteria(v1::HOSPITALISATION);
  v1::Event fix = At("e4", 1790000800);
  fix.mutable_correction()->set_corrected_event_id("e2");
  fix.mutable_correction()->set_reason("typed 8, patient said 6");
  *fix.mutable_correction()->mutable_replacement() = pain;
  fix.mutable_correction()
      ->mutable_replacement()
      ->mutable_pain_score()
      ->set_nrs(6);
  v1::Event sig = At("e5", 1790000900);
  sig.mutable_signature()->set_signature_id("sig-1");
  sig.mutable_signature()->set_printed_name("Dr Ada Investigator");
  sig.mutable_signature()->set_meaning(v1::APPROVED);
  *sig.mutable_signature()->mutable_signed_time() = sig.server_time();
  sig.mutable_signature()->set_scope("session");
  sig.mutable_signature()->add_records()->set_event_id("e1");
  for (v1::Event& e : std::vector<v1::Event>{start, pain, ae, fix, sig})
    *s.add_events() = e;
  r.sessions.push_back(s);
  return {r};
}

TEST(OdmExportTest, IsValidOdm132AndHoldsTheAuditAndTheSignature) {
  v1::Study study;
  study.set_id("S1");
  study.set_title("Ketamine & placebo <pilot>");
  *study.mutable_created_time() =
      ProtoFromTime(absl::FromUnixSeconds(1789000000));
  auto xml = OdmXml(study, Records(), absl::FromUnixSeconds(1790001000));
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_EQ(SchemaErrors(*xml), "") << *xml;
  EXPECT_THAT(*xml, HasSubstr("ODMVersion=\"1.3.2\""));
  EXPECT_THAT(*xml, HasSubstr("Ketamine &amp; placebo &lt;pilot&gt;"));
  // The corrected value, and why it changed.
  EXPECT_THAT(*xml, HasSubstr("ItemOID=\"IT.PAIN.NRS\" Value=\"6\""));
  EXPECT_THAT(*xml, Not(HasSubstr("ItemOID=\"IT.PAIN.NRS\" Value=\"8\"")));
  EXPECT_THAT(*xml, HasSubstr("<ReasonForChange>typed 8, patient said 6"));
  // The signature on its session, by name and meaning.
  EXPECT_THAT(*xml, HasSubstr("<SignatureRef SignatureOID=\"SD.APPROVED\"/>"));
  EXPECT_THAT(*xml, HasSubstr("<FullName>Dr Ada Investigator</FullName>"));
  EXPECT_THAT(*xml, HasSubstr("Value=\"HOSPITALISATION\""));
  // Blinded: the kit, no arm item.
  EXPECT_THAT(*xml, HasSubstr("Value=\"KIT-ABCD1234\""));
  EXPECT_THAT(*xml, Not(HasSubstr("IT.ENROLMENT.ARM\" Value")));
}

TEST(OdmExportTest, TheSchemaCheckCanFail) {
  EXPECT_NE(SchemaErrors("<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\"/>"),
            "");
}

}  // namespace
}  // namespace kip::sessions
