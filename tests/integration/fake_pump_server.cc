#include "tests/integration/fake_pump_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "services/gateway/hl7/er7.h"
#include "services/gateway/hl7/mllp.h"

namespace kip::testing {

absl::StatusOr<std::unique_ptr<FakePumpServer>> FakePumpServer::Start() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 8) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return absl::UnavailableError("fake pump server: cannot listen");
  }
  return std::unique_ptr<FakePumpServer>(
      new FakePumpServer(fd, ntohs(address.sin_port)));
}

FakePumpServer::FakePumpServer(int fd, int port) : fd_(fd), port_(port) {
  thread_ = std::thread([this] { Serve(); });
}

FakePumpServer::~FakePumpServer() {
  stop_ = true;
  thread_.join();
  ::close(fd_);
}

void FakePumpServer::Answer(const std::string& code, const std::string& error) {
  absl::MutexLock lock(&mu_);
  code_ = code;
  error_ = error;
}

std::vector<std::string> FakePumpServer::Orders() {
  absl::MutexLock lock(&mu_);
  return orders_;
}

void FakePumpServer::Serve() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int connection = ::accept(fd_, nullptr, nullptr);
    if (connection < 0) continue;
    hl7::MllpDeframer deframer;
    char buffer[4096];
    absl::StatusOr<std::string> order = absl::NotFoundError("");
    while (!order.ok()) {
      const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      deframer.Feed(absl::string_view(buffer, static_cast<size_t>(n)));
      order = deframer.Next();
    }
    if (order.ok()) {
      std::string code, error;
      {
        absl::MutexLock lock(&mu_);
        orders_.push_back(*order);
        code = code_;
        error = error_;
      }
      const std::string control =
          hl7::Parse(*order).value_or(hl7::Message{}).segments.empty()
              ? ""
              : hl7::Parse(*order)->segments[0].Get(10);
      const std::string head =
          "MSH|^~\\&|PUMP_SERVER||KIP_GATEWAY||20261124120000+0000||";
      const std::string answers =
          hl7::MllpFrame(absl::StrCat(head, "ACK^O15^ACK|A1|P|2.6\rMSA|CA|",
                                      control, "\r")) +
          hl7::MllpFrame(absl::StrCat(
              head, "RRG^O16^RRG_O16|A2|P|2.6\rMSA|", code, "|", control, "\r",
              error.empty() ? "" : absl::StrCat("ERR|||207|E|", error, "\r")));
      ::send(connection, answers.data(), answers.size(), MSG_NOSIGNAL);
    }
    ::close(connection);
  }
}

}  // namespace kip::testing
