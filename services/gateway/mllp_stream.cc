#include "services/gateway/mllp_stream.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace kip::gateway {
namespace {

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "no detail";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

class Plain : public MllpStream {
 public:
  explicit Plain(int fd) : MllpStream(fd) {}
  ~Plain() override { ::close(fd_); }
  ssize_t Read(char* buffer, size_t size) override {
    ssize_t n;
    do n = ::recv(fd_, buffer, size, 0);
    while (n < 0 && errno == EINTR);
    return n;
  }
  bool WriteAll(absl::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
};

class Tls : public MllpStream {
 public:
  Tls(int fd, SSL* ssl) : MllpStream(fd), ssl_(ssl) {}
  ~Tls() override {
    SSL_shutdown(ssl_);
    SSL_free(ssl_);
    ::close(fd_);
  }
  ssize_t Read(char* buffer, size_t size) override {
    const int n = SSL_read(ssl_, buffer, static_cast<int>(size));
    if (n > 0) return n;
    return SSL_get_error(ssl_, n) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
  }
  bool WriteAll(absl::string_view bytes) override {
    // SSL_MODE_ENABLE_PARTIAL_WRITE is off: a successful write is whole.
    return bytes.empty() ||
           SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) > 0;
  }
  bool HasBuffered() const override { return SSL_pending(ssl_) > 0; }

 private:
  SSL* ssl_;
};

void SetReceiveTimeout(int fd, absl::Duration timeout) {
  timeval tv = absl::ToTimeval(timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

std::unique_ptr<MllpStream> PlainStream(int fd) {
  return std::make_unique<Plain>(fd);
}

absl::StatusOr<std::shared_ptr<MllpTls>> MllpTls::Load(
    const std::string& cert_path, const std::string& key_path,
    const std::string& client_ca_path) {
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  if (context == nullptr) return absl::InternalError("SSL_CTX_new failed");
  std::shared_ptr<MllpTls> tls(new MllpTls(context));
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(context, cert_path.c_str()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "mllp_tls_cert: cannot use ", cert_path, ": ", OpenSslError()));
  }
  if (SSL_CTX_use_PrivateKey_file(context, key_path.c_str(),
                                  SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(context) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("mllp_tls_key: cannot use ", key_path,
                     " with the certificate: ", OpenSslError()));
  }
  if (!client_ca_path.empty()) {
    if (SSL_CTX_load_verify_locations(context, client_ca_path.c_str(),
                                      nullptr) != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("mllp_client_ca: cannot load ", client_ca_path, ": ",
                       OpenSslError()));
    }
    SSL_CTX_set_verify(
        context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  return tls;
}

MllpTls::~MllpTls() { SSL_CTX_free(static_cast<SSL_CTX*>(context_)); }

absl::StatusOr<std::unique_ptr<MllpStream>> MllpTls::Accept(
    int fd, absl::Duration timeout) {
  SSL* ssl = SSL_new(static_cast<SSL_CTX*>(context_));
  if (ssl == nullptr) {
    ::close(fd);
    return absl::InternalError("SSL_new failed");
  }
  SSL_set_fd(ssl, fd);
  SetReceiveTimeout(fd, timeout);
  if (SSL_accept(ssl) != 1) {
    const std::string why = OpenSslError();
    SSL_free(ssl);
    ::close(fd);
    return absl::UnauthenticatedError(
        absl::StrCat("MLLP TLS handshake failed: ", why));
  }
  // The timeout stays: the connection's poll loop waits for idle peers, and
  // a peer that stops mid-record is dropped after it rather than holding
  // the thread in SSL_read.
  return std::unique_ptr<MllpStream>(std::make_unique<Tls>(fd, ssl));
}

}  // namespace kip::gateway
