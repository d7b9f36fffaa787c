#include "tests/integration/mllp_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
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

MllpClient::~MllpClient() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status MllpClient::SendRaw(absl::string_view bytes) {
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
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, wait) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
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
