// server.h: `veille serve`, the HTTP JSON API and the web UI over an archive.
//
// In:  the path of an archive (read by a pool of read-only connections;
//      another process may ingest into it meanwhile), an address and port,
//      a folder of UI files, optionally a TLS certificate.
// Out: an HTTP/1.1 server: /api/... answers JSON (docs/api.md), everything
//      else is a static file from the web folder (never from outside it).
//      One access-log line per request goes to ServerOptions::log. When the
//      archive has accounts, every API route needs a token or a session of
//      a role that may use it, and what each account does is appended to
//      the archive's audit log (docs/api.md, "Accounts").
// Thread-safety: Start() and Wait() from one thread; Stop() and port() from
//      any thread. Requests run on a pool of worker threads, each borrowing
//      its own read-only Archive (an Archive is one SQLite connection).
//
// The HTTP library stays behind this header: callers and tests see only
// these options and the Server.
#ifndef VEILLE_SERVER_H_
#define VEILLE_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "veille/result.h"

namespace veille {

// Bounds on what one client may hold or try. The defaults suit a desk on a
// network; tests lower them.
struct ServerLimits {
  size_t max_head_bytes = 16 << 10;  // request line and headers (431 over)
  size_t max_headers = 100;          // header fields (431 over)
  size_t max_body_bytes = 16 << 10;  // request body (413 over)
  double first_byte_seconds = 5;     // from accepting (TLS handshake included)
  double request_seconds = 10;       // from a request's first byte to its end (408)
  double idle_seconds = 5;           // a kept-alive connection between requests
  double write_seconds = 10;         // to send a whole answer
  size_t max_connections = 4096;
  size_t max_connections_per_address = 256;
  // Failed credential checks (token buckets; over them: 429, not evaluated).
  double failures_per_address_burst = 5, failures_per_address_per_second = 0.5;
  double failures_per_account_burst = 10, failures_per_account_per_second = 0.5;
};

struct ServerOptions {
  std::string db;                  // archive path; must exist
  std::string bind = "127.0.0.1";  // loopback unless told otherwise
  int port = 8080;                 // 0 picks a free port (see Server::port())
  std::string web_dir;             // empty: WebDir()
  // Worker threads (1..256): requests answered at once. Connections do not
  // hold one (one event-loop thread reads and writes them all), so a few
  // suffice; SQLite work is bounded anyway to two requests per core.
  int threads = 16;
  // Memory for cached API answers, in MiB (0..4096; 0 disables). Answers
  // are dropped as soon as the archive gains or replaces an article.
  int cache_mb = 64;
  // Receives one access-log line per request (no trailing newline); null
  // means standard error.
  std::function<void(std::string_view)> log;
  // TLS: PEM certificate chain and private key (both or neither).
  std::string tls_cert, tls_key;
  // Listening beyond loopback needs authentication (an account in the
  // archive) unless this is set.
  bool insecure_no_auth = false;
  // Reverse proxies (exact addresses) whose X-Forwarded-For gives the
  // client's address and X-Forwarded-Proto: https marks the request secure.
  std::vector<std::string> trusted_proxies;
  ServerLimits limits;
};

class Server {
 public:
  // Checks the options, opens the archive once (so that a bad path fails
  // here, not on the first request), and binds the socket.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options);
  ~Server();  // stops and joins
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const;  // the bound port
  // Whether clients must authenticate (the archive has accounts; once on,
  // on until the server stops).
  bool auth_on() const;
  // Waits until the audit entries of the requests answered so far are in
  // the archive.
  void FlushAudit();
  // Serves requests until Stop(); returns after in-flight requests finish.
  Status Wait();
  // Asks the server to stop; safe from any thread (not from a signal handler).
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The folder the UI is served from by default: $VEILLE_WEB_DIR if set, else
// <prefix>/share/veille/web beside an installed binary, else the source tree's
// web/ folder.
std::string WebDir();

}  // namespace veille

#endif  // VEILLE_SERVER_H_
