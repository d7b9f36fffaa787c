#include "tests/testing/sdk_binary.h"

#include <cstdlib>

#include "absl/strings/str_join.h"

namespace kip::testing {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

std::vector<std::string> SdkCommand(const std::string& runfiles_path) {
  const std::string dir = Env("KIP_SDK_BINARY_DIR");
  if (dir.empty()) return {runfiles_path};
  std::vector<std::string> command;
  if (!Env("KIP_SDK_RUNNER").empty()) command.push_back(Env("KIP_SDK_RUNNER"));
  command.push_back(dir + "/" + runfiles_path);
  return command;
}

std::string SdkShellCommand(const std::string& runfiles_path) {
  return absl::StrJoin(SdkCommand(runfiles_path), " ");
}

std::string SdkBuildDescription() {
  if (Env("KIP_SDK_BINARY_DIR").empty()) return "host";
  return "ARM64 build in " + Env("KIP_SDK_BINARY_DIR") + " under " +
         Env("KIP_SDK_RUNNER");
}

}  // namespace kip::testing
