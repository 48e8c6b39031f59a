// http.cc: the HTTP transport (cpp-httplib) around server::Api.
//
// The only file that includes httplib.h. Debian builds cpp-httplib as a
// shared library with TLS, zlib and Brotli support; its classes' layout
// depends on those macros, so they are defined here exactly as its pkg-config
// file does.
#define CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <thread>

#include "server/api.h"
#include "veille/server.h"

namespace veille {

namespace {

// Requests are small GETs: anything with a body is refused (413), URIs over
// 8 KiB by the library itself (414).
constexpr size_t kMaxBodyBytes = 0;

std::string LogTime() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Bytes that could forge a log line or a terminal escape are shown as \xNN.
std::string Printable(std::string_view s, size_t cap) {
  std::string out;
  for (char c : s.substr(0, cap)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '"' || c == '\\') {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  if (s.size() > cap) out += "...";
  return out;
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<server::ArchivePool> pool;
  std::unique_ptr<server::Api> api;
  httplib::Server http;
  int port = 0;
  std::thread listener;
  bool listen_ok = true;
  std::once_flag stopped;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  Stop();
  if (impl_->listener.joinable()) impl_->listener.join();
}

int Server::port() const { return impl_->port; }

void Server::Stop() {
  // Start() waited for the listen loop to run, so stop() cannot be lost;
  // httplib's stop() must not run twice on the same socket.
  std::call_once(impl_->stopped, [this] { impl_->http.stop(); });
}

Status Server::Wait() {
  if (impl_->listener.joinable()) impl_->listener.join();
  if (!impl_->listen_ok) return Error::Io("the server stopped on a socket error");
  return OkStatus();
}

std::string WebDir() {
  if (const char* env = std::getenv("VEILLE_WEB_DIR"); env && *env) return env;
  // Installed layout: <prefix>/bin/veille and <prefix>/share/veille/web.
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto installed = exe.parent_path().parent_path() / "share" / "veille" / "web";
    if (std::filesystem::is_directory(installed, ec)) return installed.string();
  }
  return std::string(VEILLE_SOURCE_DATA_DIR) + "/../web";
}

Result<std::unique_ptr<Server>> Server::Start(ServerOptions o) {
  if (o.port < 0 || o.port > 65535) return Error::InvalidArgument("port must be 0..65535");
  if (o.threads < 1 || o.threads > 256) return Error::InvalidArgument("threads must be 1..256");
  if (o.cache_mb < 0 || o.cache_mb > 4096)
    return Error::InvalidArgument("cache must be 0..4096 MiB");
  if (o.web_dir.empty()) o.web_dir = WebDir();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::path(o.web_dir) / "index.html", ec))
    return Error::NotFound("no web UI in '" + o.web_dir + "' (index.html missing); use --web DIR");
  if (!std::filesystem::exists(o.db, ec)) return Error::NotFound("no archive at '" + o.db + "'");

  auto impl = std::make_unique<Impl>();
  // Requests in flight at once: two per core, at most one per worker
  // thread; the others wait their turn (ArchivePool is first come, first
  // served). Measured with the load test (docs/api.md) on 2 cores: one per
  // core leaves the cores idle while a request reads pages or writes its
  // answer (p99 35 ms at 10 connections), three per core stretches every
  // request (34 ms); two per core gave 27-32 ms.
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  impl->pool = std::make_unique<server::ArchivePool>(
      o.db, std::min<size_t>(cores * 2, static_cast<size_t>(o.threads)));
  {
    // Open one connection now: a file that is not an archive fails here.
    auto first = impl->pool->Acquire();
    if (!first.ok()) return first.error();
    // Load the search attributes now rather than on the first search.
    if (auto a = impl->pool->attributes().Refresh(**first); !a.ok()) return a.error();
  }
  // A few connections up front (more open as concurrent requests need them).
  if (auto w = impl->pool->Warm(static_cast<size_t>(std::min(o.threads, 4))); !w.ok())
    return w.error();
  impl->api = std::make_unique<server::Api>(impl->pool.get(), o.web_dir,
                                            static_cast<size_t>(o.cache_mb) << 20);
  if (!o.log)
    o.log = [](std::string_view line) {
      std::fprintf(stderr, "%.*s\n", (int)line.size(), line.data());
    };
  impl->options = std::move(o);

  Impl* p = impl.get();
  auto& http = p->http;
  const int threads = p->options.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(kMaxBodyBytes);
  http.set_read_timeout(5, 0);
  http.set_write_timeout(5, 0);
  // Headers and body go out in two writes: without TCP_NODELAY, Nagle holds
  // the body until the client's delayed ACK (40 ms on Linux) on keep-alive
  // connections.
  http.set_tcp_nodelay(true);
  http.set_keep_alive_timeout(2);
  // Closing a busy keep-alive connection every N requests makes its client
  // reconnect, and the library's listen backlog is short (5): under load a
  // dropped SYN costs the client a 1 s retransmission. Idle connections still
  // close after the timeout above.
  http.set_keep_alive_max_count(1000000);
  http.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                            {"Referrer-Policy", "no-referrer"},
                            {"Content-Security-Policy",
                             "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                             "frame-ancestors 'none'"}});

  auto send = [](const server::Reply& r, httplib::Response& res, double ms) {
    res.status = r.status;
    for (const auto& [k, v] : r.headers) res.set_header(k, v);
    res.set_header("Server-Timing", fmt::format("app;dur={:.2f}", ms));
    res.set_content(r.body, r.content_type.c_str());
  };
  http.Get(".*", [p, send](const httplib::Request& req, httplib::Response& res) {
    auto t0 = std::chrono::steady_clock::now();
    server::RawParams params(req.params.begin(), req.params.end());
    server::Reply r;
    // httplib does not read the body of a GET: refuse any (whatever its
    // size) and close the connection, so that it is not read as a request.
    if (!req.body.empty() || req.has_header("Transfer-Encoding") ||
        (req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0")) {
      r = server::ErrorReply(413, "requests must not have a body");
      r.headers.emplace_back("Connection", "close");
    } else {
      r = p->api->Get(req.path, params);
    }
    auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    send(r, res, ms);
  });
  // Every other method: 405 with the methods that are allowed.
  auto not_allowed = [send](const httplib::Request&, httplib::Response& res) {
    auto r = server::ErrorReply(405, "method not allowed: the API is read-only (GET, HEAD)");
    r.headers.emplace_back("Allow", "GET, HEAD");
    send(r, res, 0);
  };
  http.Post(".*", not_allowed);
  http.Put(".*", not_allowed);
  http.Patch(".*", not_allowed);
  http.Delete(".*", not_allowed);
  http.Options(".*", not_allowed);
  // Errors the library raises itself (bad request line, 413, 414, ...) get
  // the same JSON shape as ours.
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const char* msg = res.status == 413   ? "request too large"
                      : res.status == 414 ? "request URI too long"
                      : res.status == 404 ? "not found"
                                          : "bad request";
    auto r = server::ErrorReply(res.status, msg);
    res.set_content(r.body, r.content_type.c_str());
  });
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        auto r = server::ErrorReply(500, "internal error");
        res.status = 500;
        res.set_content(r.body, r.content_type.c_str());
      });
  http.set_logger([p](const httplib::Request& req, const httplib::Response& res) {
    std::string timing = "-";
    if (auto t = res.get_header_value("Server-Timing"); t.starts_with("app;dur="))
      timing = t.substr(8) + "ms";
    p->options.log(fmt::format("{} {} \"{} {}\" {} {} {}", LogTime(), req.remote_addr,
                               Printable(req.method, 16), Printable(req.target, 300), res.status,
                               res.body.size(), timing));
  });

  if (p->options.port == 0) {
    p->port = http.bind_to_any_port(p->options.bind);
    if (p->port < 0) p->port = 0;
  } else {
    p->port = http.bind_to_port(p->options.bind, p->options.port) ? p->options.port : 0;
  }
  if (p->port == 0)
    return Error::Io("cannot listen on " + p->options.bind + ":" + std::to_string(p->options.port) +
                     " (address in use or not local?)");
  p->listener = std::thread([p] { p->listen_ok = p->http.listen_after_bind(); });
  // httplib ignores stop() until its loop runs: wait for it, so that a
  // Stop() right after Start() is not lost.
  for (int i = 0; i < 5000 && !http.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

}  // namespace veille
