#include "services/sessions/log/fhir_export.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "base/uuid.h"
#include "services/sessions/log/export_tables.h"
#include "services/sessions/log/fhir_resources.h"
#include "services/sessions/log/researcher_view.h"

namespace kip::sessions {
namespace fhir {

std::string Entries::Add(const std::string& name, Json resource) {
  const std::string type = resource["resourceType"];
  const std::string id = ResourceId(type, name);
  Json with_id = {{"resourceType", type}, {"id", id}};
  for (auto& [key, value] : resource.items()) {
    if (key != "resourceType") with_id[key] = std::move(value);
  }
  const std::string reference = absl::StrCat("urn:uuid:", id);
  entries_.push_back(
      {{"fullUrl", reference}, {"resource", std::move(with_id)}});
  return reference;
}

std::string ResourceId(const std::string& kind, const std::string& name) {
  return NameBasedUuid(absl::StrCat("fhir/", kind, "/", name));
}

Json Ref(const std::string& reference) { return {{"reference", reference}}; }

Json Coding(const std::string& system, const std::string& code,
            const std::string& display) {
  return {{"system", system}, {"code", code}, {"display", display}};
}

Json Concept(const std::string& system, const std::string& code,
             const std::string& display) {
  return {{"coding", Json::array({Coding(system, code, display)})},
          {"text", display}};
}

Json Quantity(double value, const std::string& ucum) {
  return {{"value", std::stod(export_internal::Num(value))},
          {"unit", ucum},
          {"system", kUcum},
          {"code", ucum}};
}

bool Shown(const std::string& text) {
  return !text.empty() && text != kWithheld;
}

}  // namespace fhir

namespace {

using fhir::Json;

constexpr char kStudySystem[] = "urn:kip:study";
constexpr char kPatientSystem[] = "urn:kip:patient";
constexpr char kKitSystem[] = "urn:kip:kit";
constexpr char kDeviceSystem[] = "urn:kip:device";

Json ResearchStudy(const v1::Study& study) {
  Json out = {
      {"resourceType", "ResearchStudy"},
      {"identifier",
       Json::array({{{"system", kStudySystem}, {"value", study.id()}}})},
      {"title", study.title().empty() ? study.id() : study.title()},
      // Unblinding the study closes its enrolment (issue #15).
      {"status", study.unblinded() ? "closed-to-accrual" : "active"}};
  Json arms = Json::array();
  for (const v1::Arm& arm : study.arms()) {
    Json one = {{"name", arm.id()}};
    if (!arm.title().empty()) one["description"] = arm.title();
    arms.push_back(std::move(one));
  }
  if (!arms.empty()) out["arm"] = std::move(arms);
  if (study.blinded_arm_count() > 0) {
    out["note"] = Json::array(
        {{{"text", absl::StrCat("Blinded: ", study.blinded_arm_count(),
                                " arms withheld from this export.")}}});
  }
  return out;
}

// Pseudonymous: the study-scoped id, sex; no name, birth date or address.
Json Patient(const v1::Patient& p) {
  const auto sex = p.sex();
  return {{"resourceType", "Patient"},
          {"meta",
           {{"security",
             Json::array({fhir::Coding(
                 "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
                 "PSEUDED", "pseudonymized")})}}},
          {"identifier",
           Json::array(
               {{{"system", kPatientSystem},
                 {"value", absl::StrCat(p.study_id(), "-", p.patient_id())}}})},
          {"gender", sex == kip::common::v1::FEMALE ? "female"
                     : sex == kip::common::v1::MALE ? "male"
                                                    : "unknown"}};
}

Json ResearchSubject(const v1::Patient& p, const std::string& study_ref,
                     const std::string& patient_ref) {
  Json out = {{"resourceType", "ResearchSubject"}};
  if (!p.kit_code().empty()) {
    out["identifier"] =
        Json::array({{{"system", kKitSystem}, {"value", p.kit_code()}}});
  }
  out["status"] = "on-study";
  if (p.has_enrolled_time())
    out["period"] = {{"start", export_internal::IsoTime(p.enrolled_time())}};
  out["study"] = fhir::Ref(study_ref);
  out["individual"] = fhir::Ref(patient_ref);
  // Empty when the caller may not see it (arm_visibility.h).
  if (!p.arm_id().empty()) out["assignedArm"] = p.arm_id();
  return out;
}

Json Device(const std::string& device_id) {
  return {
      {"resourceType", "Device"},
      {"identifier",
       Json::array({{{"system", kDeviceSystem}, {"value", device_id}}})},
      {"deviceName",
       Json::array({{{"name", device_id}, {"type", "user-friendly-name"}}})}};
}

}  // namespace

std::string FhirBundleJson(const v1::Study& study,
                           const std::vector<PatientRecord>& records,
                           absl::Time created) {
  fhir::Entries entries;
  const std::string study_ref = entries.Add(study.id(), ResearchStudy(study));
  std::set<std::string> devices;
  for (const PatientRecord& record : records) {
    for (const v1::GetSessionResponse& s : record.sessions) {
      if (!s.session().device_id().empty())
        devices.insert(s.session().device_id());
    }
  }
  for (const std::string& device_id : devices) {
    entries.Add(device_id, Device(device_id));
  }
  for (const PatientRecord& record : records) {
    const v1::Patient& p = record.patient;
    const std::string name = absl::StrCat(study.id(), "/", p.patient_id());
    const std::string patient_ref = entries.Add(name, Patient(p));
    entries.Add(name, ResearchSubject(p, study_ref, patient_ref));
    fhir::AddSessionResources(study, record, {patient_ref, study_ref}, entries);
  }
  Json bundle = {
      {"resourceType", "Bundle"},
      {"id", fhir::ResourceId("Bundle", study.id())},
      {"identifier", {{"system", kStudySystem}, {"value", study.id()}}},
      {"type", "collection"},
      {"timestamp", export_internal::IsoTime(created)},
      {"entry", entries.Take()}};
  return bundle.dump(1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace kip::sessions
