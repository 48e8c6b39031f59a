// event_loop.cc: epoll, non-blocking TLS, deadlines and the worker threads
// (see event_loop.h).
#include "server/event_loop.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace veille::server {

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

std::string NumericHost(const sockaddr* sa, socklen_t len, int* port) {
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  if (getnameinfo(sa, len, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) !=
      0)
    return "?";
  *port = std::atoi(serv);
  return host;
}

// A listening socket on `address`:`port` (a numeric address or a name).
Result<int> Listen(const std::string& address, int port, int* bound) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string where = address + ":" + std::to_string(port);
  if (int rc = getaddrinfo(address.empty() ? nullptr : address.c_str(),
                           std::to_string(port).c_str(), &hints, &res);
      rc != 0)
    return Error::InvalidArgument("cannot listen on " + where + ": " + gai_strerror(rc));
  std::string last = "no address";
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      last = std::strerror(errno);
      continue;
    }
    // SO_REUSEADDR (not SO_REUSEPORT): a second server on the same port
    // fails instead of sharing its connections.
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
      last = std::strerror(errno);
      close(fd);
      continue;
    }
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
    NumericHost(reinterpret_cast<sockaddr*>(&ss), len, bound);
    freeaddrinfo(res);
    return fd;
  }
  freeaddrinfo(res);
  return Error::Io("cannot listen on " + where + ": " + last);
}

Result<SSL_CTX*> LoadTls(const std::string& cert, const std::string& key) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return Error::Internal("TLS: " + OpenSslError());
  auto fail = [ctx](std::string what) -> Result<SSL_CTX*> {
    SSL_CTX_free(ctx);
    return Error::InvalidArgument(std::move(what));
  };
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(
      ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1)
    return fail("cannot load the TLS certificate '" + cert + "': " + OpenSslError());
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1)
    return fail("cannot load the TLS key '" + key + "': " + OpenSslError());
  if (SSL_CTX_check_private_key(ctx) != 1)
    return fail("the TLS key '" + key + "' does not match the certificate '" + cert + "'");
  return ctx;
}

}  // namespace

bool IsLoopbackAddress(std::string_view address) {
  if (address == "localhost") return true;
  std::string a(address.substr(0, 64));
  in_addr v4{};
  if (inet_pton(AF_INET, a.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, a.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

struct Conn : Connection {
  enum class State { kReading, kInWorker, kWriting, kLingering };
  int fd = -1;
  SSL* ssl = nullptr;
  State state = State::kReading;
  double deadline = 0;
  uint32_t want = EPOLLIN;  // what the last read or write waits for
  uint32_t events = 0;      // registered with epoll (0: not registered)
  bool started = false;     // a byte of the current request has arrived
  bool continue_sent = false;
  bool peer_closed = false;
  bool close_after = false;
  bool keep = false;  // the handler's answer
  size_t written = 0;
  size_t drained = 0;
};

struct EventLoop::Impl {
  Options options;
  Handler handler;
  Refusal refusal;
  SSL_CTX* tls = nullptr;
  int listen_fd = -1, epoll_fd = -1, wake_fd = -1;
  int port = 0;
  bool accepting = true;
  double accept_again = 0;  // after running out of file descriptors
  std::atomic<bool> stopping{false};
  std::unordered_map<int, std::unique_ptr<Conn>> conns;
  std::unordered_map<std::string, size_t> per_address;
  size_t in_worker = 0;

  // Work for the workers, and connections they are done with.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Conn*> queue;
  std::deque<Conn*> done;
  bool quit = false;
  std::vector<std::thread> workers;

  ~Impl() {
    for (auto& [fd, c] : conns) {
      if (c->ssl) SSL_free(c->ssl);
      close(fd);
    }
    for (int fd : {listen_fd, epoll_fd, wake_fd})
      if (fd >= 0) close(fd);
    if (tls) SSL_CTX_free(tls);
  }

  void Interest(Conn& c, uint32_t events) {
    if (c.events == events) return;
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = c.fd;
    if (c.events == 0) {
      epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c.fd, &ev);
    } else if (events == 0) {
      epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    } else {
      epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &ev);
    }
    c.events = events;
  }

  void Close(Conn& c) {
    Interest(c, 0);
    if (c.ssl) SSL_free(c.ssl);
    close(c.fd);
    auto it = per_address.find(c.peer_address);
    if (it != per_address.end() && --it->second == 0) per_address.erase(it);
    conns.erase(c.fd);  // destroys c
  }

  void Accept() {
    while (true) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      int fd =
          accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Out of descriptors: stop accepting for a moment rather than spin
          // on a listening socket that stays readable.
          epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
          accepting = false;
          accept_again = Now() + 0.1;
        }
        return;
      }
      int peer_port = 0;
      std::string peer = NumericHost(reinterpret_cast<sockaddr*>(&ss), len, &peer_port);
      const TransportLimits& l = options.limits;
      const auto& unlimited = options.unlimited_peers;
      const bool exempt = std::find(unlimited.begin(), unlimited.end(), peer) != unlimited.end();
      if (conns.size() >= l.max_connections ||
          (!exempt && per_address[peer] >= l.max_connections_per_address)) {
        if (per_address[peer] == 0) per_address.erase(peer);
        close(fd);
        continue;
      }
      int yes = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      auto c = std::make_unique<Conn>();
      c->fd = fd;
      c->peer_address = peer;
      c->peer_port = peer_port;
      sockaddr_storage local{};
      socklen_t llen = sizeof local;
      if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) == 0)
        c->local_address = NumericHost(reinterpret_cast<sockaddr*>(&local), llen, &c->local_port);
      if (tls) {
        c->ssl = SSL_new(tls);
        if (!c->ssl) {
          close(fd);
          continue;
        }
        SSL_set_fd(c->ssl, fd);
        SSL_set_accept_state(c->ssl);
        c->tls = true;
        c->tls_session = c->ssl;
      }
      c->deadline = Now() + l.first_byte_seconds;
      ++per_address[peer];
      Conn& ref = *c;
      conns.emplace(fd, std::move(c));
      Interest(ref, EPOLLIN);
    }
  }

  // Reads what has arrived into c.in (up to `cap` bytes). False when the
  // peer has closed or the connection failed.
  bool ReadSome(Conn& c, size_t cap) {
    char buf[16384];
    while (c.in.size() < cap) {
      if (c.ssl) {
        ERR_clear_error();
        int n = SSL_read(c.ssl, buf, sizeof buf);
        if (n > 0) {
          c.in.append(buf, static_cast<size_t>(n));
          continue;
        }
        int err = SSL_get_error(c.ssl, n);
        if (err == SSL_ERROR_WANT_READ) {
          c.want = EPOLLIN;
          return true;
        }
        if (err == SSL_ERROR_WANT_WRITE) {
          c.want = EPOLLOUT;
          return true;
        }
        return false;  // closed, or not TLS, or a protocol error
      }
      ssize_t n = recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.in.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        c.want = EPOLLIN;
        return true;
      }
      return false;
    }
    c.want = EPOLLIN;
    return true;
  }

  // Writes what it can of c.out. False when the connection failed.
  bool WriteSome(Conn& c) {
    while (c.written < c.out.size()) {
      const char* p = c.out.data() + c.written;
      size_t left = std::min<size_t>(c.out.size() - c.written, INT_MAX);
      if (c.ssl) {
        ERR_clear_error();
        int n = SSL_write(c.ssl, p, static_cast<int>(left));
        if (n > 0) {
          c.written += static_cast<size_t>(n);
          continue;
        }
        int err = SSL_get_error(c.ssl, n);
        if (err == SSL_ERROR_WANT_WRITE) {
          c.want = EPOLLOUT;
          return true;
        }
        if (err == SSL_ERROR_WANT_READ) {
          c.want = EPOLLIN;
          return true;
        }
        return false;
      }
      ssize_t n = send(c.fd, p, left, MSG_NOSIGNAL);
      if (n > 0) {
        c.written += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        c.want = EPOLLOUT;
        return true;
      }
      return false;
    }
    return true;
  }

  void Refuse(Conn& c, int status, std::string_view message) {
    c.out = refusal(status, message, c);
    c.close_after = true;
    StartWriting(c);
  }

  void StartWriting(Conn& c) {
    c.state = Conn::State::kWriting;
    c.written = 0;
    c.deadline = Now() + options.limits.write_seconds;
    Flush(c);
  }

  void Flush(Conn& c) {
    if (!WriteSome(c)) return Close(c);
    if (c.written < c.out.size()) return Interest(c, c.want);
    c.out.clear();
    c.written = 0;
    if (c.close_after || stopping) return StartLinger(c);
    c.state = Conn::State::kReading;
    c.started = !c.in.empty();
    c.deadline = Now() + (c.started ? options.limits.request_seconds : options.limits.idle_seconds);
    Interest(c, EPOLLIN);
    if (c.started) Frame(c);  // a pipelined request already here
  }

  // After the last answer: the write side is shut and what the client still
  // sends is read and dropped for a while, so that closing with unread data
  // does not reset the connection before the client has read the answer.
  void StartLinger(Conn& c) {
    if (stopping) return Close(c);
    if (c.ssl) {
      ERR_clear_error();
      SSL_shutdown(c.ssl);
    }
    shutdown(c.fd, SHUT_WR);
    c.state = Conn::State::kLingering;
    c.deadline = Now() + options.limits.linger_seconds;
    Interest(c, EPOLLIN);
    Drain(c);
  }

  void Drain(Conn& c) {
    char buf[16384];
    while (true) {
      ssize_t n = recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.drained += static_cast<size_t>(n);
        if (c.drained > (1u << 20)) return Close(c);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      return Close(c);
    }
  }

  // Looks for a whole request at the start of c.in: refuses it, waits for
  // the rest, or hands it to a worker.
  void Frame(Conn& c) {
    HeadScan h = ScanRequestHead(c.in, options.limits.head);
    if (h.skip) c.in.erase(0, h.skip);
    if (h.state == HeadScan::State::kError) return Refuse(c, h.status, h.message);
    if (!c.in.empty() && !c.started) {
      c.started = true;
      c.deadline = Now() + options.limits.request_seconds;
    }
    if (h.state == HeadScan::State::kIncomplete) {
      if (c.peer_closed) Close(c);
      return;
    }
    const size_t total = h.head_bytes + h.body_bytes;
    if (c.in.size() < total) {
      if (c.peer_closed) return Close(c);
      if (h.expect_continue && !c.continue_sent) {
        // 25 bytes fit any socket buffer; if they do not go out now, the
        // client sends its body anyway after its own timeout.
        static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
        if (c.ssl) {
          SSL_write(c.ssl, kContinue, sizeof kContinue - 1);
        } else {
          (void)send(c.fd, kContinue, sizeof kContinue - 1, MSG_NOSIGNAL);
        }
        c.continue_sent = true;
      }
      return;
    }
    c.request_bytes = total;
    Interest(c, 0);
    c.state = Conn::State::kInWorker;
    ++in_worker;
    {
      std::lock_guard<std::mutex> lock(mu);
      queue.push_back(&c);
    }
    cv.notify_one();
  }

  void OnEvent(Conn& c) {
    switch (c.state) {
      case Conn::State::kReading: {
        const HeadLimits& h = options.limits.head;
        if (!ReadSome(c, h.max_head_bytes + h.max_body_bytes + 16384)) c.peer_closed = true;
        if (c.peer_closed) {
          if (c.in.empty()) return Close(c);
          Interest(c, 0);  // end of file stays readable: do not spin on it
        } else {
          Interest(c, c.want);
        }
        return Frame(c);
      }
      case Conn::State::kWriting:
        return Flush(c);
      case Conn::State::kLingering:
        return Drain(c);
      case Conn::State::kInWorker:
        return;
    }
  }

  void Returned(Conn& c) {
    --in_worker;
    c.in.erase(0, c.request_bytes);
    c.request_bytes = 0;
    c.started = false;
    c.continue_sent = false;
    c.close_after = !c.keep || c.peer_closed;
    StartWriting(c);
  }

  void Sweep(double now) {
    std::vector<int> expired;
    for (auto& [fd, c] : conns)
      if (c->state != Conn::State::kInWorker && now >= c->deadline) expired.push_back(fd);
    for (int fd : expired) {
      auto it = conns.find(fd);
      if (it == conns.end()) continue;
      Conn& c = *it->second;
      if (c.state == Conn::State::kReading && c.started && !stopping) {
        Refuse(c, 408, "request timeout");
      } else {
        Close(c);
      }
    }
  }

  void Worker() {
    while (true) {
      Conn* c = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [this] { return quit || !queue.empty(); });
        if (queue.empty()) return;
        c = queue.front();
        queue.pop_front();
      }
      bool keep = false;
      try {
        keep = handler(*c);
      } catch (...) {
        keep = false;
        c->out = refusal(500, "internal error", *c);
      }
      c->keep = keep;
      {
        std::lock_guard<std::mutex> lock(mu);
        done.push_back(c);
      }
      uint64_t one = 1;
      (void)!write(wake_fd, &one, sizeof one);
    }
  }

  void TakeReturned() {
    uint64_t n;
    (void)!read(wake_fd, &n, sizeof n);
    std::deque<Conn*> back;
    {
      std::lock_guard<std::mutex> lock(mu);
      back.swap(done);
    }
    for (Conn* c : back) Returned(*c);
  }

  void BeginStop() {
    if (listen_fd >= 0) {
      epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
      close(listen_fd);
      listen_fd = -1;
    }
    std::vector<int> idle;
    for (auto& [fd, c] : conns)
      if (c->state == Conn::State::kReading || c->state == Conn::State::kLingering)
        idle.push_back(fd);
    for (int fd : idle) Close(*conns.at(fd));
  }

  Status Loop() {
    epoll_event events[256];
    double last_sweep = Now();
    bool stop_begun = false;
    double stop_deadline = 0;
    while (true) {
      if (stopping && !stop_begun) {
        stop_begun = true;
        stop_deadline = Now() + 5;
        BeginStop();
      }
      if (stop_begun) {
        // Answers being written get a few seconds; requests in a worker are
        // always waited for (the worker holds their connection).
        if (in_worker == 0 && (conns.empty() || Now() > stop_deadline)) break;
      }
      int n = epoll_wait(epoll_fd, events, 256, 100);
      if (n < 0 && errno != EINTR)
        return Error::Io(std::string("epoll_wait: ") + std::strerror(errno));
      for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (fd == wake_fd) {
          TakeReturned();
        } else if (fd == listen_fd) {
          if (!stopping) Accept();
        } else if (auto it = conns.find(fd); it != conns.end()) {
          OnEvent(*it->second);
        }
      }
      double now = Now();
      if (!accepting && !stopping && now >= accept_again) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = listen_fd;
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev);
        accepting = true;
      }
      if (now - last_sweep >= 0.1) {
        last_sweep = now;
        Sweep(now);
      }
    }
    std::vector<int> rest;
    for (auto& [fd, c] : conns) rest.push_back(fd);
    for (int fd : rest) Close(*conns.at(fd));
    return OkStatus();
  }
};

EventLoop::EventLoop(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventLoop::~EventLoop() = default;

Result<std::unique_ptr<EventLoop>> EventLoop::Create(Options options, Handler handler,
                                                     Refusal refusal) {
  auto impl = std::make_unique<Impl>();
  if (options.workers < 1) options.workers = 1;
  if (options.tls_cert.empty() != options.tls_key.empty())
    return Error::InvalidArgument("TLS needs both a certificate and a key");
  if (!options.tls_cert.empty()) {
    auto ctx = LoadTls(options.tls_cert, options.tls_key);
    if (!ctx.ok()) return ctx.error();
    impl->tls = *ctx;
    // OpenSSL writes to sockets with write(2): a client gone mid-answer must
    // not kill the process with SIGPIPE.
    signal(SIGPIPE, SIG_IGN);
  }
  auto fd = Listen(options.address, options.port, &impl->port);
  if (!fd.ok()) return fd.error();
  impl->listen_fd = *fd;
  impl->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  impl->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl->epoll_fd < 0 || impl->wake_fd < 0)
    return Error::Io(std::string("epoll: ") + std::strerror(errno));
  for (int f : {impl->listen_fd, impl->wake_fd}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = f;
    epoll_ctl(impl->epoll_fd, EPOLL_CTL_ADD, f, &ev);
  }
  impl->options = std::move(options);
  impl->handler = std::move(handler);
  impl->refusal = std::move(refusal);
  return std::unique_ptr<EventLoop>(new EventLoop(std::move(impl)));
}

int EventLoop::port() const { return impl_->port; }

Status EventLoop::Run() {
  Impl& p = *impl_;
  for (int i = 0; i < p.options.workers; ++i) p.workers.emplace_back([&p] { p.Worker(); });
  Status s = p.Loop();
  {
    std::lock_guard<std::mutex> lock(p.mu);
    p.quit = true;
  }
  p.cv.notify_all();
  for (auto& t : p.workers) t.join();
  p.workers.clear();
  return s;
}

void EventLoop::Stop() {
  impl_->stopping = true;
  uint64_t one = 1;
  (void)!write(impl_->wake_fd, &one, sizeof one);
}

}  // namespace veille::server
