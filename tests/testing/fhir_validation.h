// Checks FHIR R4 JSON files against the FHIR R4 (4.0.1) JSON Schema of the
// interop reference files, with Debian's python3-jsonschema
// (tests/testing/fhir_validate.py): the schema check of every FHIR export.
#ifndef KIP_TESTS_TESTING_FHIR_VALIDATION_H_
#define KIP_TESTS_TESTING_FHIR_VALIDATION_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace kip::testing {

// OK when every file is valid; otherwise FAILED_PRECONDITION with the
// validator's account of each invalid resource (type, field path, rule).
absl::Status ValidateFhirFiles(const std::vector<std::string>& paths);

// The same for JSON text, written to a file under $TEST_TMPDIR first.
absl::Status ValidateFhirJson(const std::string& json);

}  // namespace kip::testing

#endif  // KIP_TESTS_TESTING_FHIR_VALIDATION_H_
