// The gateway's MLLP listener: TCP connections from pump servers, each
// message framed <VT>...<FS><CR>, each answered with its ACK on the same
// connection before the next is read. A frame that is truncated or over the
// size limit is answered with a reject and the connection kept; bytes
// outside any frame are skipped and logged. One thread per connection (a
// site has a handful of pump servers), at most `max_connections`. TLS when
// `tls` is set (mllp_stream.h); else plaintext behind the site's network
// policy.
#ifndef KIP_SERVICES_GATEWAY_MLLP_SERVER_H_
#define KIP_SERVICES_GATEWAY_MLLP_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/gateway/mllp_stream.h"

namespace kip::gateway {

class MllpServer {
 public:
  // The ACK (ER7, unframed) for one message.
  using Handler = std::function<std::string(absl::string_view message)>;
  // The reject (ER7, unframed) for a frame that could not be read.
  using Refusal = std::function<std::string(const absl::Status& why)>;

  struct Options {
    std::string host = "127.0.0.1";
    int port = 0;  // 0: any free port
    size_t max_message_bytes = 1 << 20;
    int max_connections = 64;
    absl::Duration idle_timeout = absl::Minutes(10);
    std::shared_ptr<MllpTls> tls;  // null: plaintext
    absl::Duration handshake_timeout = absl::Seconds(10);
  };

  static absl::StatusOr<std::unique_ptr<MllpServer>> Start(
      const Options& options, Handler handler, Refusal refusal);
  ~MllpServer();

  int port() const { return port_; }
  // Stops accepting; each connection finishes the message in hand, then
  // closes. Returns when every thread has ended.
  void Shutdown();

 private:
  MllpServer(const Options& options, int listen_fd, int port, Handler handler,
             Refusal refusal);
  struct Connection {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  void AcceptLoop();
  void Serve(int fd, Connection* connection);
  // Reads frames and answers each until the peer goes, idles or we stop.
  void Converse(MllpStream& stream);
  // Joins the threads of connections that have ended.
  void Reap() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Options options_;
  int listen_fd_;
  int port_;
  Handler handler_;
  Refusal refusal_;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> connections_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kip::gateway

#endif  // KIP_SERVICES_GATEWAY_MLLP_SERVER_H_
