#include "tests/integration/cli_run.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace kip::testing {

CliRun RunCli(const std::string& command) {
  const std::string err_path = std::string(getenv("TEST_TMPDIR")) + "/cli.err";
  CliRun run;
  FILE* pipe = popen((command + " 2>" + err_path).c_str(), "r");
  if (pipe == nullptr) return {127, "", "popen failed"};
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    run.out.append(buffer.data(), n);
  }
  run.exit_status = WEXITSTATUS(pclose(pipe));
  std::ifstream err(err_path);
  run.err.assign(std::istreambuf_iterator<char>(err), {});
  return run;
}

}  // namespace kip::testing
