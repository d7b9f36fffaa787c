#include "tests/testing/fhir_validation.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "tests/testing/interop_files.h"

namespace kip::testing {
namespace {

// A runfile of this library that lives in the source tree: InteropDir walks
// up from its real location to shared/interop.
constexpr char kValidator[] = "tests/testing/fhir_validate.py";
// Debian's interpreter, with Debian's python3-jsonschema (./kip installs it),
// whatever other python3 comes first on PATH.
constexpr char kPython[] = "/usr/bin/python3";

std::string Quoted(const std::string& s) { return absl::StrCat("'", s, "'"); }

}  // namespace

absl::Status ValidateFhirFiles(const std::vector<std::string>& paths) {
  absl::StatusOr<std::string> dir = InteropDir(kValidator);
  if (!dir.ok()) return dir.status();
  std::string command = absl::StrCat(kPython, " ", kValidator, " ",
                                     Quoted(*dir + "/fhir/fhir.schema.json"));
  for (const std::string& path : paths)
    absl::StrAppend(&command, " ", Quoted(path));
  absl::StrAppend(&command, " 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("cannot run " + command);
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    output.append(buffer, n);
  const int status = pclose(pipe);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("FHIR R4 schema check failed (exit ", WEXITSTATUS(status),
                   "):\n", output));
}

absl::Status ValidateFhirJson(const std::string& json) {
  static int count = 0;
  const std::string path =
      absl::StrCat(std::getenv("TEST_TMPDIR"), "/fhir-", ++count, ".json");
  std::ofstream(path, std::ios::binary) << json;
  return ValidateFhirFiles({path});
}

}  // namespace kip::testing
