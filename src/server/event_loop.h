// event_loop.h: the server's connections, read and written without a thread
// each (internal).
//
// In:  an address to listen on, limits on requests and connections, an
//      optional TLS certificate, and the handler of a complete request.
// Out: connections accepted, their TLS handshakes done, their requests read
//      (framed by request_head.h), and their answers written, by one thread
//      with epoll; only complete requests go to the worker threads, which
//      write the answer into memory and never wait on a client. A client that
//      sends a byte a second, or never reads its answer, costs a few
//      kilobytes and a file descriptor until its deadline, not a worker.
// Thread-safety: Run() on one thread; Stop() and port() from any thread.
//      The handler runs on the workers, several at once, each with its own
//      Connection.
//
// Deadlines (TransportLimits): the first byte within first_byte_seconds of
// accepting (TLS handshake included); a whole request within
// request_seconds of its first byte; the next request of a kept-alive
// connection within idle_seconds; a whole answer sent within write_seconds.
// A request that misses its deadline gets 408; a connection closed after an
// answer is drained for linger_seconds so that the client reads the answer
// rather than a reset.
#ifndef VEILLE_SERVER_EVENT_LOOP_H_
#define VEILLE_SERVER_EVENT_LOOP_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/request_head.h"
#include "veille/result.h"

namespace veille::server {

struct TransportLimits {
  HeadLimits head;
  double first_byte_seconds = 5;
  double request_seconds = 10;
  double idle_seconds = 5;
  double write_seconds = 10;
  double linger_seconds = 2;
  size_t max_connections = 4096;
  size_t max_connections_per_address = 256;
};

// One client connection, as the handler sees it.
struct Connection {
  std::string peer_address;  // numeric, as the socket gives it
  int peer_port = 0;
  std::string local_address;
  int local_port = 0;
  bool tls = false;
  const void* tls_session = nullptr;  // the connection's SSL*, for the parser
  // The request: bytes [0, request_bytes) of `in` (head and body exactly;
  // `in` may hold the start of the next, pipelined, request after them).
  std::string in;
  size_t request_bytes = 0;
  // The handler appends the whole answer here.
  std::string out;
};

class EventLoop {
 public:
  // Returns whether the connection may serve another request.
  using Handler = std::function<bool(Connection&)>;
  // The bytes of a whole HTTP answer (with "Connection: close") refusing a
  // request the loop could not frame: status and a short reason.
  using Refusal =
      std::function<std::string(int status, std::string_view message, const Connection& c)>;

  struct Options {
    std::string address = "127.0.0.1";
    int port = 0;  // 0: a free port
    int workers = 16;
    TransportLimits limits;
    std::string tls_cert, tls_key;  // PEM files; both empty: plain HTTP
    // Peers exempt from max_connections_per_address (reverse proxies, whose
    // connections carry many clients).
    std::vector<std::string> unlimited_peers;
  };

  // Loads the certificate (if any), binds and listens. Errors name the file
  // or the address.
  static Result<std::unique_ptr<EventLoop>> Create(Options options, Handler handler,
                                                   Refusal refusal);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  int port() const;
  // Serves until Stop(); then lets the requests in flight finish and their
  // answers go out (for a few seconds at most) and closes everything.
  Status Run();
  void Stop();

 private:
  struct Impl;
  explicit EventLoop(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Whether `address` (numeric or "localhost") is a loopback address:
// 127.0.0.0/8, ::1, or an IPv4-mapped 127/8.
bool IsLoopbackAddress(std::string_view address);

}  // namespace veille::server

#endif  // VEILLE_SERVER_EVENT_LOOP_H_
