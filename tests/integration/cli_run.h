// Runs a command line (a binary from the runfiles, as a user would) and
// captures its exit status, stdout and stderr, for the CLI tests.
#ifndef KIP_TESTS_INTEGRATION_CLI_RUN_H_
#define KIP_TESTS_INTEGRATION_CLI_RUN_H_

#include <string>

namespace kip::testing {

struct CliRun {
  int exit_status;
  std::string out, err;
};

// `command` goes to /bin/sh; stderr is collected through a file in
// $TEST_TMPDIR.
CliRun RunCli(const std::string& command);

}  // namespace kip::testing

#endif  // KIP_TESTS_INTEGRATION_CLI_RUN_H_
