// The interoperability reference files beside the repository
// (../shared/interop: IHE PCD example messages, the FHIR R4 schema), which
// tests read in place: their sources ask that they be committed only there.
// Found through $KIP_INTEROP_DIR (./kip test sets it), else by walking up
// from the real location of a file of the test's runfiles (`anchor`, a
// runfiles-relative path given to the test as data) to a `shared/interop`.
#ifndef KIP_TESTS_TESTING_INTEROP_FILES_H_
#define KIP_TESTS_TESTING_INTEROP_FILES_H_

#include <string>

#include "absl/status/statusor.h"

namespace kip::testing {

// The directory, or NOT_FOUND saying where it was looked for.
absl::StatusOr<std::string> InteropDir(const std::string& anchor);

// The bytes of `relative` (e.g. "hl7v2/10_pcd10_....hl7") under it.
absl::StatusOr<std::string> ReadInteropFile(const std::string& anchor,
                                            const std::string& relative);

}  // namespace kip::testing

#endif  // KIP_TESTS_TESTING_INTEROP_FILES_H_
