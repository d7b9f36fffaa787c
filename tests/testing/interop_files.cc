#include "tests/testing/interop_files.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace kip::testing {

absl::StatusOr<std::string> InteropDir(const std::string& anchor) {
  namespace fs = std::filesystem;
  if (const char* dir = std::getenv("KIP_INTEROP_DIR");
      dir != nullptr && *dir != '\0') {
    if (fs::is_directory(dir)) return std::string(dir);
    return absl::NotFoundError(
        absl::StrCat("KIP_INTEROP_DIR=", dir, " is not a directory"));
  }
  std::error_code error;
  fs::path at = fs::canonical(anchor, error);
  if (error) {
    return absl::NotFoundError(absl::StrCat(
        "no KIP_INTEROP_DIR, and the anchor ", anchor, " cannot be resolved"));
  }
  for (at = at.parent_path(); !at.empty(); at = at.parent_path()) {
    const fs::path candidate = at / "shared" / "interop";
    if (fs::is_directory(candidate)) return candidate.string();
    if (at == at.root_path()) break;
  }
  return absl::NotFoundError(
      absl::StrCat("no shared/interop beside the repository or above ",
                   fs::canonical(anchor, error).string(),
                   "; set KIP_INTEROP_DIR to the interop reference files"));
}

absl::StatusOr<std::string> ReadInteropFile(const std::string& anchor,
                                            const std::string& relative) {
  absl::StatusOr<std::string> dir = InteropDir(anchor);
  if (!dir.ok()) return dir.status();
  const std::string path = *dir + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace kip::testing
