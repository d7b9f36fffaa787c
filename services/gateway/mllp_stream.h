// The byte stream of one MLLP connection: plain TCP, or TLS over it (OpenSSL)
// when the gateway has a certificate - optionally requiring the pump server
// to present one its CA signed (mutual TLS).
#ifndef KIP_SERVICES_GATEWAY_MLLP_STREAM_H_
#define KIP_SERVICES_GATEWAY_MLLP_STREAM_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kip::gateway {

class MllpStream {
 public:
  virtual ~MllpStream() = default;
  // Bytes read into `buffer`; 0 when the peer closed, < 0 on an error.
  virtual ssize_t Read(char* buffer, size_t size) = 0;
  virtual bool WriteAll(absl::string_view bytes) = 0;
  // Bytes already decrypted and waiting: read them before polling the socket.
  virtual bool HasBuffered() const { return false; }
  int fd() const { return fd_; }

 protected:
  explicit MllpStream(int fd) : fd_(fd) {}
  int fd_;
};

// The stream of an accepted socket, which it closes.
std::unique_ptr<MllpStream> PlainStream(int fd);

// A server certificate and key (PEM files) and, when `client_ca_path` is not
// empty, the CA whose certificates pump servers must present.
class MllpTls {
 public:
  static absl::StatusOr<std::shared_ptr<MllpTls>> Load(
      const std::string& cert_path, const std::string& key_path,
      const std::string& client_ca_path);
  ~MllpTls();
  // The TLS handshake on an accepted socket (closed on failure), within
  // `timeout` so a silent peer does not hold the connection's thread.
  absl::StatusOr<std::unique_ptr<MllpStream>> Accept(int fd,
                                                     absl::Duration timeout);

 private:
  explicit MllpTls(void* context) : context_(context) {}
  void* context_;  // SSL_CTX
};

}  // namespace kip::gateway

#endif  // KIP_SERVICES_GATEWAY_MLLP_STREAM_H_
