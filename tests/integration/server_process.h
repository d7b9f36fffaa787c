// Launches a real KIP server binary as a child process on an OS-chosen port
// (via --port_file) for cross-service tests, and stops it with a signal.
#ifndef KIP_TESTS_INTEGRATION_SERVER_PROCESS_H_
#define KIP_TESTS_INTEGRATION_SERVER_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kip::testing {

class ServerProcess {
 public:
  // Starts `binary` (a runfiles-relative path) with `args` plus
  // --listen=127.0.0.1:0 --port_file=...; waits until the port is written.
  static absl::StatusOr<ServerProcess> Start(const std::string& binary,
                                             std::vector<std::string> args,
                                             const std::string& name);
  ServerProcess(ServerProcess&& other) noexcept;
  ServerProcess& operator=(ServerProcess&&) = delete;
  ~ServerProcess();  // SIGKILL if still running

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& log_path() const { return log_path_; }
  std::string ReadLog() const;

  // Sends `signal` and waits up to `timeout` for the exit; returns the exit
  // status (WEXITSTATUS), or nullopt if the process did not exit in time.
  std::optional<int> SignalAndWait(int signal, absl::Duration timeout);

 private:
  ServerProcess(pid_t pid, int port, std::string log_path)
      : pid_(pid), port_(port), log_path_(std::move(log_path)) {}
  pid_t pid_;
  int port_;
  std::string log_path_;
};

}  // namespace kip::testing

#endif  // KIP_TESTS_INTEGRATION_SERVER_PROCESS_H_
