#include "services/sessions/log/odm_export.h"

#include <libxml/xmlwriter.h>

#include <map>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "clinical/dose_accounting.h"
#include "services/sessions/log/export_tables.h"

namespace kip::sessions {

namespace {

using export_internal::IsoTime;
using export_internal::Num;

// One form per event type: OID suffix, name, items (OID suffix, data type).
struct FormSpec {
  const char* oid;
  const char* name;
  std::vector<std::pair<const char*, const char*>> items;
};

const std::vector<FormSpec>& Forms() {
  static const auto* const kForms = new std::vector<FormSpec>{
      {"ENROLMENT",
       "Enrolment",
       {{"WEIGHT_KG", "float"},
        {"HEIGHT_CM", "float"},
        {"SEX", "text"},
        {"AGE_BAND", "text"},
        {"CONDITION", "text"},
        {"BASELINE_PAIN_NRS", "float"},
        {"ARM", "text"},
        {"KIT_CODE", "text"}}},
      {"INFUSION",
       "Infusion",
       {{"ACTION", "text"},
        {"RATE_MG_PER_H", "float"},
        {"RATE_MG_PER_KG_PER_H", "float"},
        {"OVERRIDE_REASON", "text"}}},
      {"BOLUS", "Bolus", {{"DOSE_MG", "float"}}},
      {"PAIN", "Pain score", {{"NRS", "float"}, {"TIMEPOINT", "text"}}},
      {"SIDE_EFFECT",
       "Side effect",
       {{"TYPE", "text"},
        {"SEVERITY", "text"},
        {"SERIOUS", "text"},
        {"CRITERIA", "text"},
        {"CAUSALITY", "text"},
        {"EXPECTEDNESS", "text"}}},
      {"VITALS",
       "Vital signs",
       {{"SYSBP", "float"},
        {"DIABP", "float"},
        {"HR", "float"},
        {"SPO2", "float"},
        {"RESP", "float"},
        {"SEDATION", "integer"}}},
      {"ADJUNCT",
       "Adjunct medication",
       {{"DRUG", "text"}, {"DOSE_MG", "float"}, {"ROUTE", "text"}}},
      {"NOTE", "Note", {{"TEXT", "text"}}},
      {"SIGNATURE",
       "Signature",
       {{"PRINTED_NAME", "text"},
        {"MEANING", "text"},
        {"SCOPE", "text"},
        {"SIGNED_RECORDS", "integer"}}},
  };
  return *kForms;
}

// The writer's calls; any failure is kept and reported once at the end.
class Xml {
 public:
  Xml() : buffer_(xmlBufferCreate()) {
    writer_ = buffer_ ? xmlNewTextWriterMemory(buffer_, 0) : nullptr;
    ok_ = writer_ != nullptr && xmlTextWriterSetIndent(writer_, 1) >= 0 &&
          xmlTextWriterStartDocument(writer_, nullptr, "UTF-8", nullptr) >= 0;
  }
  ~Xml() {
    if (writer_) xmlFreeTextWriter(writer_);
    if (buffer_) xmlBufferFree(buffer_);
  }
  void Open(const char* element) {
    ok_ = ok_ && xmlTextWriterStartElement(writer_, U(element)) >= 0;
  }
  void Close() { ok_ = ok_ && xmlTextWriterEndElement(writer_) >= 0; }
  void Attr(const char* name, const std::string& value) {
    ok_ = ok_ &&
          xmlTextWriterWriteAttribute(writer_, U(name), U(value.c_str())) >= 0;
  }
  void Text(const char* element, const std::string& value) {
    ok_ = ok_ &&
          xmlTextWriterWriteElement(writer_, U(element), U(value.c_str())) >= 0;
  }
  absl::StatusOr<std::string> Finish() {
    ok_ = ok_ && xmlTextWriterEndDocument(writer_) >= 0;
    if (!ok_) return absl::InternalError("writing the ODM XML failed");
    xmlFreeTextWriter(writer_);
    writer_ = nullptr;
    return std::string(reinterpret_cast<const char*>(buffer_->content),
                       buffer_->use);
  }

 private:
  static const xmlChar* U(const char* s) {
    return reinterpret_cast<const xmlChar*>(s);
  }
  xmlBufferPtr buffer_;
  xmlTextWriterPtr writer_ = nullptr;
  bool ok_ = false;
};

std::string UserOid(const std::string& subject) { return "U." + subject; }
std::string SiteOid(const std::string& site) { return "L." + site; }

// A form's items from an event: (item OID suffix, value), empty values left
// out. Returns the form OID suffix, or nullptr for events without a form.
const char* FormOf(const v1::Event& e,
                   std::vector<std::pair<std::string, std::string>>& items) {
  auto add = [&](const char* item, const std::string& value) {
    if (!value.empty()) items.emplace_back(item, value);
  };
  switch (e.payload_case()) {
    case v1::Event::kInfusionStarted:
      add("ACTION", "started");
      add("RATE_MG_PER_H", Num(e.infusion_started().rate_mg_per_h()));
      add("RATE_MG_PER_KG_PER_H",
          Num(e.infusion_started().rate_mg_per_kg_per_h()));
      return "INFUSION";
    case v1::Event::kRateChanged:
      add("ACTION", "rate changed");
      add("RATE_MG_PER_H", Num(e.rate_changed().rate_mg_per_h()));
      add("RATE_MG_PER_KG_PER_H", Num(e.rate_changed().rate_mg_per_kg_per_h()));
      add("OVERRIDE_REASON", e.rate_changed().override_reason());
      return "INFUSION";
    case v1::Event::kInfusionPaused:
      add("ACTION", "paused");
      return "INFUSION";
    case v1::Event::kInfusionResumed:
      add("ACTION", "resumed");
      return "INFUSION";
    case v1::Event::kInfusionStopped:
      add("ACTION", "stopped");
      return "INFUSION";
    case v1::Event::kBolus:
      add("DOSE_MG", Num(e.bolus().dose_mg()));
      return "BOLUS";
    case v1::Event::kPainScore:
      add("NRS", Num(e.pain_score().nrs()));
      add("TIMEPOINT", v1::PainTimepoint_Name(e.pain_score().timepoint()));
      return "PAIN";
    case v1::Event::kSideEffect: {
      const v1::SideEffect& x = e.side_effect();
      add("TYPE", v1::SideEffectType_Name(x.type()));
      if (x.severity())
        add("SEVERITY", v1::SideEffectSeverity_Name(x.severity()));
      add("SERIOUS", x.serious() ? "Y" : "N");
      add("CRITERIA", export_internal::SeriousnessCriteria(x));
      if (x.causality()) add("CAUSALITY", v1::Causality_Name(x.causality()));
      if (x.expectedness())
        add("EXPECTEDNESS", v1::Expectedness_Name(x.expectedness()));
      return "SIDE_EFFECT";
    }
    case v1::Event::kVitalSigns: {
      const v1::VitalSigns& x = e.vital_signs();
      if (x.has_systolic_bp_mmhg()) add("SYSBP", Num(x.systolic_bp_mmhg()));
      if (x.has_diastolic_bp_mmhg()) add("DIABP", Num(x.diastolic_bp_mmhg()));
      if (x.has_heart_rate_per_min()) add("HR", Num(x.heart_rate_per_min()));
      if (x.has_spo2_percent()) add("SPO2", Num(x.spo2_percent()));
      if (x.has_respiratory_rate_per_min())
        add("RESP", Num(x.respiratory_rate_per_min()));
      if (x.has_sedation_score())
        add("SEDATION", absl::StrCat(x.sedation_score()));
      return "VITALS";
    }
    case v1::Event::kAdjunctMedication:
      add("DRUG", e.adjunct_medication().drug());
      add("DOSE_MG", Num(e.adjunct_medication().dose_mg()));
      add("ROUTE", e.adjunct_medication().route());
      return "ADJUNCT";
    case v1::Event::kNote:
      add("TEXT", e.note().text());
      return "NOTE";
    case v1::Event::kSignature:
      add("PRINTED_NAME", e.signature().printed_name());
      add("MEANING", v1::SignatureMeaning_Name(e.signature().meaning()));
      add("SCOPE", e.signature().scope());
      add("SIGNED_RECORDS", absl::StrCat(e.signature().records_size()));
      return "SIGNATURE";
    default:
      return nullptr;  // corrections are applied; submissions are not forms
  }
}

void MetaData(Xml& x) {
  x.Open("MetaDataVersion");
  x.Attr("OID", "MDV.KIP.1");
  x.Attr("Name", "KIP session log, version 1");
  x.Open("Protocol");
  for (const char* event : {"ENROLMENT", "SESSION"}) {
    x.Open("StudyEventRef");
    x.Attr("StudyEventOID", absl::StrCat("SE.", event));
    x.Attr("OrderNumber", event[0] == 'E' ? "1" : "2");
    x.Attr("Mandatory", "No");
    x.Close();
  }
  x.Close();
  for (const char* event : {"ENROLMENT", "SESSION"}) {
    const bool session = event[0] == 'S';
    x.Open("StudyEventDef");
    x.Attr("OID", absl::StrCat("SE.", event));
    x.Attr("Name", session ? "Infusion session" : "Enrolment");
    x.Attr("Repeating", session ? "Yes" : "No");
    x.Attr("Type", session ? "Scheduled" : "Common");
    for (const FormSpec& f : Forms()) {
      if ((std::string(f.oid) == "ENROLMENT") == session) continue;
      x.Open("FormRef");
      x.Attr("FormOID", absl::StrCat("F.", f.oid));
      x.Attr("Mandatory", "No");
      x.Close();
    }
    x.Close();
  }
  for (const FormSpec& f : Forms()) {
    x.Open("FormDef");
    x.Attr("OID", absl::StrCat("F.", f.oid));
    x.Attr("Name", f.name);
    x.Attr("Repeating", std::string(f.oid) == "ENROLMENT" ? "No" : "Yes");
    x.Open("ItemGroupRef");
    x.Attr("ItemGroupOID", absl::StrCat("IG.", f.oid));
    x.Attr("Mandatory", "Yes");
    x.Close();
    x.Close();
  }
  for (const FormSpec& f : Forms()) {
    x.Open("ItemGroupDef");
    x.Attr("OID", absl::StrCat("IG.", f.oid));
    x.Attr("Name", f.name);
    x.Attr("Repeating", "No");
    for (const auto& [item, type] : f.items) {
      x.Open("ItemRef");
      x.Attr("ItemOID", absl::StrCat("IT.", f.oid, ".", item));
      x.Attr("Mandatory", "No");
      x.Close();
    }
    x.Close();
  }
  for (const FormSpec& f : Forms()) {
    for (const auto& [item, type] : f.items) {
      x.Open("ItemDef");
      x.Attr("OID", absl::StrCat("IT.", f.oid, ".", item));
      x.Attr("Name", item);
      x.Attr("DataType", type);
      x.Close();
    }
  }
  x.Close();
}

// Users (recorders and signers), sites and signature meanings.
void AdminData(Xml& x, const v1::Study& study,
               const std::vector<PatientRecord>& records) {
  std::map<std::string, std::string> users;  // subject -> full name
  std::set<std::string> sites;
  std::set<int> meanings;
  for (const PatientRecord& r : records) {
    sites.insert(r.patient.site_id());
    for (const v1::GetSessionResponse& s : r.sessions) {
      for (const v1::Event& e : s.events()) {
        users.emplace(e.recorded_by(), e.recorded_by());
        if (e.has_signature()) {
          users[e.recorded_by()] = e.signature().printed_name();
          meanings.insert(e.signature().meaning());
        }
      }
    }
  }
  x.Open("AdminData");
  x.Attr("StudyOID", "ST." + study.id());
  for (const auto& [subject, name] : users) {
    x.Open("User");
    x.Attr("OID", UserOid(subject));
    x.Text("FullName", name);
    x.Close();
  }
  for (const std::string& site : sites) {
    x.Open("Location");
    x.Attr("OID", SiteOid(site));
    x.Attr("Name", site);
    x.Attr("LocationType", "Site");
    x.Open("MetaDataVersionRef");
    x.Attr("StudyOID", "ST." + study.id());
    x.Attr("MetaDataVersionOID", "MDV.KIP.1");
    x.Attr("EffectiveDate", IsoTime(study.created_time()).substr(0, 10));
    x.Close();
    x.Close();
  }
  for (int meaning : meanings) {
    const std::string name =
        v1::SignatureMeaning_Name(static_cast<v1::SignatureMeaning>(meaning));
    x.Open("SignatureDef");
    x.Attr("OID", "SD." + name);
    x.Attr("Methodology", "Electronic");
    x.Text("Meaning", name);
    x.Text("LegalReason",
           "21 CFR 11.50: the signer's electronic signature on these records");
    x.Close();
  }
  x.Close();
}

void ItemGroup(Xml& x, const std::string& form,
               const std::vector<std::pair<std::string, std::string>>& items) {
  x.Open("ItemGroupData");
  x.Attr("ItemGroupOID", "IG." + form);
  for (const auto& [item, value] : items) {
    x.Open("ItemData");
    x.Attr("ItemOID", absl::StrCat("IT.", form, ".", item));
    x.Attr("Value", value);
    x.Close();
  }
  x.Close();
}

void Audit(Xml& x, const std::string& user, const std::string& site,
           const google::protobuf::Timestamp& when, const std::string& reason,
           const std::string& source) {
  x.Open("AuditRecord");
  x.Open("UserRef");
  x.Attr("UserOID", UserOid(user));
  x.Close();
  x.Open("LocationRef");
  x.Attr("LocationOID", SiteOid(site));
  x.Close();
  x.Text("DateTimeStamp", IsoTime(when));
  if (!reason.empty()) x.Text("ReasonForChange", reason);
  x.Text("SourceID", source);
  x.Close();
}

void Session(Xml& x, const PatientRecord& r, const v1::GetSessionResponse& s) {
  const std::string& site = r.patient.site_id();
  std::map<std::string, std::string> correction_reason;
  const v1::Event* signature = nullptr;
  for (const v1::Event& e : s.events()) {
    if (e.has_correction())
      correction_reason[e.correction().corrected_event_id()] =
          e.correction().reason();
    if (e.has_signature()) signature = &e;
  }
  x.Open("StudyEventData");
  x.Attr("StudyEventOID", "SE.SESSION");
  x.Attr("StudyEventRepeatKey", s.session().session_id());
  if (signature != nullptr) {
    x.Open("Signature");
    x.Open("UserRef");
    x.Attr("UserOID", UserOid(signature->recorded_by()));
    x.Close();
    x.Open("LocationRef");
    x.Attr("LocationOID", SiteOid(site));
    x.Close();
    x.Open("SignatureRef");
    x.Attr("SignatureOID",
           "SD." + v1::SignatureMeaning_Name(signature->signature().meaning()));
    x.Close();
    x.Text("DateTimeStamp", IsoTime(signature->signature().signed_time()));
    x.Close();
  }
  std::vector<v1::Event> events(s.events().begin(), s.events().end());
  for (const v1::Event& e : clinical::ApplyCorrections(std::move(events))) {
    std::vector<std::pair<std::string, std::string>> items;
    const char* form = FormOf(e, items);
    if (form == nullptr) continue;
    x.Open("FormData");
    x.Attr("FormOID", absl::StrCat("F.", form));
    x.Attr("FormRepeatKey", e.event_id());
    auto reason = correction_reason.find(e.event_id());
    Audit(x, e.recorded_by(), site, e.server_time(),
          reason == correction_reason.end() ? "" : reason->second,
          absl::StrCat(e.event_id(), " sha256:", e.hash_hex()));
    ItemGroup(x, form, items);
    x.Close();
  }
  x.Close();
}

void Subject(Xml& x, const PatientRecord& r) {
  const v1::Patient& p = r.patient;
  x.Open("SubjectData");
  x.Attr("SubjectKey", p.patient_id());
  x.Open("SiteRef");
  x.Attr("LocationOID", SiteOid(p.site_id()));
  x.Close();
  x.Open("StudyEventData");
  x.Attr("StudyEventOID", "SE.ENROLMENT");
  x.Open("FormData");
  x.Attr("FormOID", "F.ENROLMENT");
  std::vector<std::pair<std::string, std::string>> items = {
      {"WEIGHT_KG", Num(p.baseline_weight_kg())},
      {"SEX", kip::common::v1::Sex_Name(p.sex())},
      {"CONDITION", v1::Condition_Name(p.condition())},
      {"BASELINE_PAIN_NRS", Num(p.baseline_pain_nrs())}};
  if (p.height_cm() > 0) items.push_back({"HEIGHT_CM", Num(p.height_cm())});
  if (!p.age_band().empty()) items.push_back({"AGE_BAND", p.age_band()});
  if (!p.arm_id().empty()) items.push_back({"ARM", p.arm_id()});
  if (!p.kit_code().empty()) items.push_back({"KIT_CODE", p.kit_code()});
  ItemGroup(x, "ENROLMENT", items);
  x.Close();
  x.Close();
  for (const v1::GetSessionResponse& s : r.sessions) Session(x, r, s);
  x.Close();
}

}  // namespace

absl::StatusOr<std::string> OdmXml(const v1::Study& study,
                                   const std::vector<PatientRecord>& records,
                                   absl::Time created) {
  Xml x;
  x.Open("ODM");
  x.Attr("xmlns", "http://www.cdisc.org/ns/odm/v1.3");
  x.Attr("FileType", "Snapshot");
  x.Attr("Granularity", "All");
  x.Attr("FileOID",
         absl::StrCat("KIP.", study.id(), ".", absl::ToUnixMicros(created)));
  x.Attr("CreationDateTime",
         absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", created, absl::UTCTimeZone()));
  x.Attr("ODMVersion", "1.3.2");
  x.Attr("Originator", "KIP");
  x.Attr("SourceSystem", "KIP sessions service");
  x.Open("Study");
  x.Attr("OID", "ST." + study.id());
  x.Open("GlobalVariables");
  x.Text("StudyName", study.id());
  x.Text("StudyDescription", study.title());
  x.Text("ProtocolName", study.id());
  x.Close();
  MetaData(x);
  x.Close();
  AdminData(x, study, records);
  x.Open("ClinicalData");
  x.Attr("StudyOID", "ST." + study.id());
  x.Attr("MetaDataVersionOID", "MDV.KIP.1");
  for (const PatientRecord& r : records) Subject(x, r);
  x.Close();
  x.Close();
  return x.Finish();
}

}  // namespace kip::sessions
