// The pieces FHIR resources are made of (Coding, Quantity, Reference, bundle
// entries) and the code systems KIP exports with. Internal to fhir_export.
#ifndef KIP_SERVICES_SESSIONS_LOG_FHIR_RESOURCES_H_
#define KIP_SERVICES_SESSIONS_LOG_FHIR_RESOURCES_H_

#include <nlohmann/json.hpp>
#include <string>

#include "absl/time/time.h"
#include "kip/sessions/v1/sessions.pb.h"
#include "services/sessions/log/study_export.h"

namespace kip::sessions::fhir {

using Json = nlohmann::ordered_json;

inline constexpr char kLoinc[] = "http://loinc.org";
inline constexpr char kUcum[] = "http://unitsofmeasure.org";
inline constexpr char kSnomed[] = "http://snomed.info/sct";
// WHO ATC/DDD index: ketamine is N01AX03.
inline constexpr char kAtc[] = "http://www.whocc.no/atc";

// Resources built so far, in order, as bundle entries.
class Entries {
 public:
  // Adds `resource` (with its resourceType) under the id of `name` and
  // returns its reference, "urn:uuid:<id>".
  std::string Add(const std::string& name, Json resource);
  Json Take() { return std::move(entries_); }

 private:
  Json entries_ = Json::array();
};

// The name-based UUID a resource of `kind` called `name` gets.
std::string ResourceId(const std::string& kind, const std::string& name);

Json Ref(const std::string& reference);
Json Coding(const std::string& system, const std::string& code,
            const std::string& display);
Json Concept(const std::string& system, const std::string& code,
             const std::string& display);
// A UCUM quantity, its value kept to 6 significant digits as in the CSVs.
Json Quantity(double value, const std::string& ucum);

// True when `text` holds something the caller may see.
bool Shown(const std::string& text);

// What one patient's sessions add: medication, observations, adverse events.
struct PatientRefs {
  std::string patient;  // "urn:uuid:..."
  std::string study;
};
void AddSessionResources(const v1::Study& study, const PatientRecord& record,
                         const PatientRefs& refs, Entries& entries);

}  // namespace kip::sessions::fhir

#endif  // KIP_SERVICES_SESSIONS_LOG_FHIR_RESOURCES_H_
