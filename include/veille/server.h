// server.h: `veille serve`, the HTTP JSON API and the web UI over an archive.
//
// In:  the path of an archive (opened read-only; another process may ingest
//      into it meanwhile), an address and port, and a folder of UI files.
// Out: an HTTP/1.1 server: /api/... answers JSON (docs/api.md), everything
//      else is a static file from the web folder (never from outside it).
//      One access-log line per request goes to ServerOptions::log.
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

#include "veille/result.h"

namespace veille {

struct ServerOptions {
  std::string db;                  // archive path; must exist
  std::string bind = "127.0.0.1";  // loopback unless told otherwise
  int port = 8080;                 // 0 picks a free port (see Server::port())
  std::string web_dir;             // empty: WebDir()
  // Worker threads (1..256). Each keeps one keep-alive connection while it
  // is open (the HTTP library's model), so this bounds the clients served
  // at once: a browser alone opens six. Idle threads cost a stack only;
  // SQLite connections are opened per request in flight, not per thread.
  int threads = 64;
  // Memory for cached API answers, in MiB (0..4096; 0 disables). Answers
  // are dropped as soon as the archive gains or replaces an article.
  int cache_mb = 64;
  // Receives one access-log line per request (no trailing newline); null
  // means standard error.
  std::function<void(std::string_view)> log;
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
