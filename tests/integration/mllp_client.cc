#include "tests/integration/mllp_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace kip::testing {

absl::StatusOr<MllpClient> MllpClient::Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address),
                          sizeof address) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return absl::UnavailableError(absl::StrCat("MLLP connect: ", why));
  }
  return MllpClient(fd);
}

absl::StatusOr<MllpClient> MllpClient::ConnectTls(
    int port, const MllpTlsClientFiles& files) {
  absl::StatusOr<MllpClient> client = Connect(port);
  if (!client.ok()) return client;
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  client->context_ = context;
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(context, files.ca_path.c_str(), nullptr) !=
          1 ||
      (!files.cert_path.empty() &&
       (SSL_CTX_use_certificate_file(context, files.cert_path.c_str(),
                                     SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(context, files.key_path.c_str(),
                                    SSL_FILETYPE_PEM) != 1))) {
    return absl::InvalidArgumentError("MLLP TLS client files unusable");
  }
  SSL* ssl = SSL_new(context);
  client->ssl_ = ssl;
  SSL_set_fd(ssl, client->fd_);
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
  // TLS 1.3 reports a refused client certificate only at the first read.
  if (SSL_connect(ssl) != 1) {
    char why[256];
    ERR_error_string_n(ERR_get_error(), why, sizeof why);
    ERR_clear_error();
    return absl::UnavailableError(absl::StrCat("MLLP TLS handshake: ", why));
  }
  return client;
}

MllpClient::~MllpClient() {
  if (ssl_ != nullptr) SSL_free(static_cast<SSL*>(ssl_));
  if (context_ != nullptr) SSL_CTX_free(static_cast<SSL_CTX*>(context_));
  if (fd_ >= 0) ::close(fd_);
}

ssize_t MllpClient::Receive(char* buffer, size_t size) {
  if (ssl_ == nullptr) return ::recv(fd_, buffer, size, 0);
  return SSL_read(static_cast<SSL*>(ssl_), buffer, static_cast<int>(size));
}

absl::Status MllpClient::SendRaw(absl::string_view bytes) {
  if (ssl_ != nullptr) {
    return SSL_write(static_cast<SSL*>(ssl_), bytes.data(),
                     static_cast<int>(bytes.size())) > 0
               ? absl::OkStatus()
               : absl::UnavailableError("MLLP TLS send failed");
  }
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return absl::UnavailableError("MLLP send failed");
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> MllpClient::ReadAck(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const size_t start = pending_.find('\x0b');
    const size_t end = pending_.find("\x1c\r");
    if (start != std::string::npos && end != std::string::npos && end > start) {
      std::string ack = pending_.substr(start + 1, end - start - 1);
      pending_.erase(0, end + 2);
      return ack;
    }
    const int wait =
        static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (wait <= 0) return absl::DeadlineExceededError("no ACK in time");
    const bool buffered =
        ssl_ != nullptr && SSL_pending(static_cast<SSL*>(ssl_)) > 0;
    pollfd p{fd_, POLLIN, 0};
    if (!buffered && ::poll(&p, 1, wait) <= 0) continue;
    char buffer[4096];
    const ssize_t n = Receive(buffer, sizeof buffer);
    if (n <= 0)
      return absl::UnavailableError("the gateway closed the connection");
    pending_.append(buffer, static_cast<size_t>(n));
  }
}

absl::StatusOr<std::string> MllpClient::Send(absl::string_view message) {
  absl::Status sent =
      SendRaw(absl::StrCat("\x0b", message, std::string("\x1c\r")));
  if (!sent.ok()) return sent;
  return ReadAck();
}

}  // namespace kip::testing
