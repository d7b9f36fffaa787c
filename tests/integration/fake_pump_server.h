// A pump server for tests of verified orders: accepts MLLP connections,
// records each order (RGV^O15) and answers ACK^O15 "CA" and then RRG^O16
// with the code (and error) the test sets.
#ifndef KIP_TESTS_INTEGRATION_FAKE_PUMP_SERVER_H_
#define KIP_TESTS_INTEGRATION_FAKE_PUMP_SERVER_H_

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace kip::testing {

class FakePumpServer {
 public:
  static absl::StatusOr<std::unique_ptr<FakePumpServer>> Start();
  ~FakePumpServer();

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // The RRG^O16 answer to the next orders: "AA", or "AR" with `error`.
  void Answer(const std::string& code, const std::string& error = "");
  std::vector<std::string> Orders();

 private:
  FakePumpServer(int fd, int port);
  void Serve();

  int fd_, port_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<std::string> orders_ ABSL_GUARDED_BY(mu_);
  std::string code_ ABSL_GUARDED_BY(mu_) = "AA";
  std::string error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kip::testing

#endif  // KIP_TESTS_INTEGRATION_FAKE_PUMP_SERVER_H_
