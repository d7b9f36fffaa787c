// A pump server's side of MLLP for tests: connect to the gateway, send a
// message (or raw bytes) and read the framed ACK that answers it.
#ifndef KIP_TESTS_INTEGRATION_MLLP_CLIENT_H_
#define KIP_TESTS_INTEGRATION_MLLP_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kip::testing {

class MllpClient {
 public:
  static absl::StatusOr<MllpClient> Connect(int port);
  MllpClient(MllpClient&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  MllpClient& operator=(MllpClient&&) = delete;
  ~MllpClient();

  // Sends `bytes` as they are (framing included or not).
  absl::Status SendRaw(absl::string_view bytes);
  // The next ACK, unframed; DEADLINE_EXCEEDED after `timeout`.
  absl::StatusOr<std::string> ReadAck(
      absl::Duration timeout = absl::Seconds(10));
  // Frames `message`, sends it and reads its ACK.
  absl::StatusOr<std::string> Send(absl::string_view message);

 private:
  explicit MllpClient(int fd) : fd_(fd) {}
  int fd_;
  std::string pending_;
};

}  // namespace kip::testing

#endif  // KIP_TESTS_INTEGRATION_MLLP_CLIENT_H_
