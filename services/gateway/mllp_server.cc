#include "services/gateway/mllp_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/gateway/hl7/mllp.h"

namespace kip::gateway {
namespace {

constexpr int kPollMillis = 200;  // how soon a connection notices Shutdown

}  // namespace

absl::StatusOr<std::unique_ptr<MllpServer>> MllpServer::Start(
    const Options& options, Handler handler, Refusal refusal) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options.port);
  if (int rc =
          ::getaddrinfo(options.host.c_str(), port.c_str(), &hints, &found);
      rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("mllp_listen: cannot resolve '", options.host,
                     "': ", gai_strerror(rc)));
  }
  int fd = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  const bool bound = fd >= 0 &&
                     ::bind(fd, found->ai_addr, found->ai_addrlen) == 0 &&
                     ::listen(fd, 64) == 0;
  ::freeaddrinfo(found);
  if (!bound) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return absl::UnavailableError(absl::StrCat(
        "mllp_listen: cannot listen on ", options.host, ":", port, ": ", why));
  }
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int bound_port =
      address.ss_family == AF_INET6
          ? ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port)
          : ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  return std::unique_ptr<MllpServer>(new MllpServer(
      options, fd, bound_port, std::move(handler), std::move(refusal)));
}

MllpServer::MllpServer(const Options& options, int listen_fd, int port,
                       Handler handler, Refusal refusal)
    : options_(options),
      listen_fd_(listen_fd),
      port_(port),
      handler_(std::move(handler)),
      refusal_(std::move(refusal)) {
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

MllpServer::~MllpServer() { Shutdown(); }

void MllpServer::Shutdown() {
  if (stopping_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::unique_ptr<Connection>> connections;
  {
    absl::MutexLock lock(&mu_);
    connections.swap(connections_);
  }
  for (auto& c : connections) c->thread.join();
}

void MllpServer::Reap() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if ((*it)->done.load()) {
      (*it)->thread.join();
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void MllpServer::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kPollMillis) <= 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    absl::MutexLock lock(&mu_);
    Reap();
    if (static_cast<int>(connections_.size()) >= options_.max_connections) {
      std::fprintf(stderr,
                   "gateway_server: MLLP connection refused (%zu open)\n",
                   connections_.size());
      ::close(fd);
      continue;
    }
    auto connection = std::make_unique<Connection>();
    Connection* c = connection.get();
    c->thread = std::thread([this, fd, c] { Serve(fd, c); });
    connections_.push_back(std::move(connection));
  }
}

void MllpServer::Serve(int fd, Connection* connection) {
  absl::StatusOr<std::unique_ptr<MllpStream>> stream =
      options_.tls == nullptr
          ? PlainStream(fd)
          : options_.tls->Accept(fd, options_.handshake_timeout);
  if (!stream.ok()) {
    std::fprintf(stderr, "gateway_server: %s\n",
                 std::string(stream.status().message()).c_str());
  } else {
    Converse(**stream);
  }
  connection->done.store(true);
}

void MllpServer::Converse(MllpStream& stream) {
  hl7::MllpDeframer deframer(options_.max_message_bytes);
  absl::Time last_activity = absl::Now();
  char buffer[64 * 1024];
  while (!stopping_.load()) {
    if (!stream.HasBuffered()) {
      pollfd p{stream.fd(), POLLIN, 0};
      const int ready = ::poll(&p, 1, kPollMillis);
      if (ready == 0) {
        if (absl::Now() - last_activity > options_.idle_timeout) break;
        continue;
      }
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) break;
    }
    const ssize_t n = stream.Read(buffer, sizeof buffer);
    if (n <= 0) break;  // closed by the peer, or an error
    last_activity = absl::Now();
    deframer.Feed(absl::string_view(buffer, static_cast<size_t>(n)));
    bool open = true;
    for (auto next = deframer.Next();
         open && next.status().code() != absl::StatusCode::kNotFound;
         next = deframer.Next()) {
      if (next.ok()) {
        open = stream.WriteAll(hl7::MllpFrame(handler_(*next)));
      } else if (absl::StrContains(next.status().message(),
                                   "outside a frame")) {
        std::fprintf(stderr, "gateway_server: %s\n",
                     std::string(next.status().message()).c_str());
      } else {
        open = stream.WriteAll(hl7::MllpFrame(refusal_(next.status())));
      }
    }
    if (!open) break;
  }
}

}  // namespace kip::gateway
