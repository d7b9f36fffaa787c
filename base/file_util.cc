#include "base/file_util.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace kip {

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace kip
