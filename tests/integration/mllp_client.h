// A pump server's side of MLLP for tests: connect to the gateway, send a
// message (or raw bytes) and read the framed ACK that answers it.
#ifndef KIP_TESTS_INTEGRATION_MLLP_CLIENT_H_
#define KIP_TESTS_INTEGRATION_MLLP_CLIENT_H_

#include <sys/types.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kip::testing {

// What a pump server brings to a TLS listener: the CA it checks the gateway's
// certificate with (for 127.0.0.1) and, for mutual TLS, its own certificate.
struct MllpTlsClientFiles {
  std::string ca_path;
  std::string cert_path;  // empty: none presented
  std::string key_path;
};

class MllpClient {
 public:
  static absl::StatusOr<MllpClient> Connect(int port);
  // The TLS handshake done (UNAVAILABLE, saying why, when it fails).
  static absl::StatusOr<MllpClient> ConnectTls(int port,
                                               const MllpTlsClientFiles& files);
  MllpClient(MllpClient&& other) noexcept
      : fd_(other.fd_), ssl_(other.ssl_), context_(other.context_) {
    other.fd_ = -1;
    other.ssl_ = nullptr;
    other.context_ = nullptr;
  }
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
  ssize_t Receive(char* buffer, size_t size);
  int fd_;
  void* ssl_ = nullptr;      // SSL, when over TLS
  void* context_ = nullptr;  // SSL_CTX
  std::string pending_;
};

}  // namespace kip::testing

#endif  // KIP_TESTS_INTEGRATION_MLLP_CLIENT_H_
