#include "services/gateway/pump_server_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "services/gateway/hl7/mllp.h"
#include "services/gateway/pcd/order_message.h"

namespace kip::gateway {
namespace {

absl::StatusOr<int> Connect(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("pump_server_address: '", address, "' is not host:port"));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) {
    return absl::UnavailableError(
        absl::StrCat("pump server ", address, ": cannot resolve"));
  }
  const int fd =
      ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  const bool connected =
      fd >= 0 && ::connect(fd, found->ai_addr, found->ai_addrlen) == 0;
  ::freeaddrinfo(found);
  if (!connected) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return absl::UnavailableError(
        absl::StrCat("pump server ", address, ": ", why));
  }
  return fd;
}

}  // namespace

absl::StatusOr<PumpServerAnswer> MllpPumpServer::Send(
    const std::string& order) {
  absl::StatusOr<int> fd = Connect(address_);
  if (!fd.ok()) return fd.status();
  const std::string frame = hl7::MllpFrame(order);
  if (::send(*fd, frame.data(), frame.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(frame.size())) {
    ::close(*fd);
    return absl::UnavailableError(
        absl::StrCat("pump server ", address_, ": the order was not sent"));
  }
  PumpServerAnswer answer;
  hl7::MllpDeframer deframer;
  absl::Time deadline = absl::Now() + answer_timeout_;
  char buffer[4096];
  while (answer.application_ack.empty()) {
    const int wait =
        static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    pollfd p{*fd, POLLIN, 0};
    if (wait <= 0 || ::poll(&p, 1, wait) <= 0) break;  // no (more) answers
    const ssize_t n = ::recv(*fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    deframer.Feed(absl::string_view(buffer, static_cast<size_t>(n)));
    for (auto next = deframer.Next(); next.ok(); next = deframer.Next()) {
      absl::StatusOr<pcd::OrderAnswer> read = pcd::ReadOrderAnswer(*next);
      if (!read.ok()) continue;  // not an answer to an order: ignored
      if (read->message_type == "ACK^O15") {
        answer.commit_ack = read->code;
        deadline = absl::Now() + answer_timeout_;  // then the application's
      } else {
        answer.application_ack = read->code;
      }
      if (!read->error.empty()) answer.error = read->error;
    }
  }
  ::close(*fd);
  return answer;
}

}  // namespace kip::gateway
