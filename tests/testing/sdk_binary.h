// The command that runs an SDK binary in a test: the host build from the
// runfiles, or - in ./kip test's ARM64 pass - the aarch64 build under
// qemu-aarch64 (KIP_SDK_BINARY_DIR: its bazel-bin; KIP_SDK_RUNNER: the
// emulator), still talking to the host's x86-64 servers.
#ifndef KIP_TESTS_TESTING_SDK_BINARY_H_
#define KIP_TESTS_TESTING_SDK_BINARY_H_

#include <string>
#include <vector>

namespace kip::testing {

// argv[0..] to run `runfiles_path` (e.g. "sdk/c/kip_c_example").
std::vector<std::string> SdkCommand(const std::string& runfiles_path);
// The same, joined for std::system.
std::string SdkShellCommand(const std::string& runfiles_path);
// "arm64 under qemu-aarch64-static" or "host", for test logs.
std::string SdkBuildDescription();

}  // namespace kip::testing

#endif  // KIP_TESTS_TESTING_SDK_BINARY_H_
