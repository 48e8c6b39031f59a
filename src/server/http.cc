// http.cc: the HTTP transport around server::Api: event_loop.h frames
// requests and owns the connections; cpp-httplib parses each complete
// request and writes its answer into memory.
//
// The only file that includes httplib.h. Debian builds cpp-httplib as a
// shared library with TLS, zlib and Brotli support; its classes' layout
// depends on those macros, so they are defined here exactly as its pkg-config
// file does. Its own server loop is not used: it gives each connection a
// thread from accept to close (TLS handshake and slow request included), so
// a hundred slow clients would hold a hundred workers. Server's protected
// process_request() parses and answers one request from any Stream; here the
// Stream is the bytes the event loop has already framed.
#define CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <thread>

#include "server/api.h"
#include "server/event_loop.h"
#include "server/gate.h"
#include "veille/archive.h"
#include "veille/server.h"

namespace veille {

namespace {

// On every answer, the API's and the UI's alike. The UI has no inline
// script or style (a script the page did not load from the server cannot
// run), no frame may hold it, and nothing is sent to other sites.
const std::vector<std::pair<std::string, std::string>>& SecurityHeaders() {
  static const std::vector<std::pair<std::string, std::string>> kHeaders = {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
  };
  return kHeaders;
}

constexpr const char* kHsts = "max-age=31536000";

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

const char* Reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 417:
      return "Expectation Failed";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

// One framed request as httplib's Stream: reads come from the bytes the
// event loop gathered (exactly one request: the library cannot read into
// the next), writes go to the connection's answer buffer.
class FramedStream final : public httplib::Stream {
 public:
  explicit FramedStream(server::Connection& c)
      : c_(c), in_(std::string_view(c.in).substr(0, c.request_bytes)) {}
  bool is_readable() const override { return pos_ < in_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    size_t n = std::min(size, in_.size() - pos_);
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    c_.out.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.peer_address;
    port = c_.peer_port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.local_address;
    port = c_.local_port;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

 private:
  server::Connection& c_;
  std::string_view in_;
  size_t pos_ = 0;
};

// httplib's request parser and answer writer, without its server loop.
class Parser final : public httplib::Server {
 public:
  bool Process(httplib::Stream& s, bool close_connection, bool& connection_closed,
               const std::function<void(httplib::Request&)>& setup) {
    return process_request(s, close_connection, connection_closed, setup);
  }
};

std::string JoinedHeader(const httplib::Request& req, const char* name) {
  std::string out;
  size_t n = req.get_header_value_count(name);
  for (size_t i = 0; i < n; ++i) {
    if (i) out += "; ";
    out += req.get_header_value(name, i);
  }
  return out;
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<server::ArchivePool> pool;
  std::unique_ptr<server::Gate> gate;
  std::unique_ptr<server::Api> api;
  Parser http;
  std::unique_ptr<server::EventLoop> loop;
  std::thread listener;
  Status loop_status = OkStatus();
  std::once_flag stopped;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  Stop();
  if (impl_->listener.joinable()) impl_->listener.join();
}

int Server::port() const { return impl_->loop->port(); }

bool Server::auth_on() const { return impl_->gate->auth_on(); }

void Server::Stop() {
  std::call_once(impl_->stopped, [this] { impl_->loop->Stop(); });
}

Status Server::Wait() {
  if (impl_->listener.joinable()) impl_->listener.join();
  impl_->gate->audit_writer().Flush();
  return impl_->loop_status;
}

void Server::FlushAudit() { impl_->gate->audit_writer().Flush(); }

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
  if (!IsPostgresUri(o.db) && !std::filesystem::exists(o.db, ec))
    return Error::NotFound("no archive at '" + o.db + "'");

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
  {
    // The file is an archive (the read-only opening above checked): a
    // read-write opening brings an older one to the current schema (the
    // accounts tables). A file this process may not write is served as it
    // is, without accounts.
    auto rw = Archive::Open(o.db, OpenMode::kReadWrite);
    (void)rw;
  }
  // A few connections up front (more open as concurrent requests need them).
  if (auto w = impl->pool->Warm(static_cast<size_t>(std::min(o.threads, 4))); !w.ok())
    return w.error();

  server::GateOptions g;
  g.per_address = {o.limits.failures_per_address_burst, o.limits.failures_per_address_per_second};
  g.per_account = {o.limits.failures_per_account_burst, o.limits.failures_per_account_per_second};
  server::TransportLimits transport;
  transport.head.max_head_bytes = o.limits.max_head_bytes;
  transport.head.max_headers = o.limits.max_headers;
  transport.head.max_body_bytes = o.limits.max_body_bytes;
  transport.first_byte_seconds = o.limits.first_byte_seconds;
  transport.request_seconds = o.limits.request_seconds;
  transport.idle_seconds = o.limits.idle_seconds;
  transport.write_seconds = o.limits.write_seconds;
  transport.max_connections = o.limits.max_connections;
  transport.max_connections_per_address = o.limits.max_connections_per_address;
  g.trusted_proxies = o.trusted_proxies;
  impl->gate = std::make_unique<server::Gate>(o.db, g);
  if (auto s = impl->gate->Start(); !s.ok()) return s.error();
  if (!server::IsLoopbackAddress(o.bind) && !impl->gate->auth_on() && !o.insecure_no_auth)
    return Error::InvalidArgument(
        "refusing to listen on " + o.bind +
        " without authentication: anyone who can reach it could read the archive. Add an "
        "account first (veille users add NAME), or pass --insecure-no-auth");
  impl->api = std::make_unique<server::Api>(impl->pool.get(), impl->gate.get(), o.web_dir,
                                            static_cast<size_t>(o.cache_mb) << 20);
  if (!o.log)
    o.log = [](std::string_view line) {
      std::fprintf(stderr, "%.*s\n", (int)line.size(), line.data());
    };
  impl->options = std::move(o);

  Impl* p = impl.get();
  Parser& http = p->http;
  const server::TransportLimits limits = transport;
  http.set_payload_max_length(limits.head.max_body_bytes);
  http.set_keep_alive_timeout(static_cast<time_t>(limits.idle_seconds));
  http.set_keep_alive_max_count(1000000);
  http.set_default_headers(httplib::Headers(SecurityHeaders().begin(), SecurityHeaders().end()));

  auto handle = [p](const httplib::Request& req, httplib::Response& res) {
    auto t0 = std::chrono::steady_clock::now();
    const std::string content_type = req.get_header_value("Content-Type");
    const std::string authorization = req.get_header_value("Authorization");
    const std::string cookie = JoinedHeader(req, "Cookie");
    const std::string origin = req.get_header_value("Origin");
    const std::string host = req.get_header_value("Host");
    const std::string forwarded_for = JoinedHeader(req, "X-Forwarded-For");
    const std::string forwarded_proto = req.get_header_value("X-Forwarded-Proto");
    server::Request r;
    r.method = req.method;
    r.path = req.path;
    r.params.assign(req.params.begin(), req.params.end());
    r.body = req.body;
    r.content_type = content_type;
    r.authorization = authorization;
    r.cookie = cookie;
    r.origin = origin;
    r.host = host;
    r.forwarded_for = forwarded_for;
    r.forwarded_proto = forwarded_proto;
    r.peer = req.remote_addr;
    r.tls = req.ssl != nullptr;
    server::Reply reply;
    // GET and HEAD carry no body: one would be read as the next request.
    if ((req.method == "GET" || req.method == "HEAD") &&
        (!req.body.empty() ||
         (req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0"))) {
      reply = server::ErrorReply(413, "GET and HEAD requests must not have a body");
      reply.headers.emplace_back("Connection", "close");
    } else {
      reply = p->api->Handle(r);
    }
    auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    res.status = reply.status;
    for (const auto& [k, v] : reply.headers) {
      // Several Set-Cookie headers may go out; every other one is set once.
      if (k == "Set-Cookie") {
        res.headers.emplace(k, v);
      } else {
        res.set_header(k, v);
      }
    }
    if (p->gate->Secure(r)) res.set_header("Strict-Transport-Security", kHsts);
    res.set_header("Server-Timing", fmt::format("app;dur={:.2f}", ms));
    res.set_content(reply.body, reply.content_type.c_str());
  };
  for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    const std::string method = m;
    if (method == "GET") http.Get(".*", handle);
    if (method == "POST") http.Post(".*", handle);
    if (method == "PUT") http.Put(".*", handle);
    if (method == "PATCH") http.Patch(".*", handle);
    if (method == "DELETE") http.Delete(".*", handle);
    if (method == "OPTIONS") http.Options(".*", handle);
  }
  // Errors the library raises itself (bad request line, 414, ...) get the
  // same JSON shape as ours.
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const char* msg = res.status == 413   ? "request too large"
                      : res.status == 414 ? "request URI too long"
                      : res.status == 404 ? "not found"
                                          : "bad request";
    auto r = server::ErrorReply(res.status, msg);
    res.set_header("Cache-Control", "no-store");
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

  // One framed request: parsed and answered by httplib into c.out.
  auto handler = [p](server::Connection& c) {
    FramedStream stream(c);
    bool closed = false;
    bool ok = p->http.Process(stream, false, closed, [&c](httplib::Request& req) {
      req.ssl = static_cast<const SSL*>(c.tls_session);
    });
    if (!ok && c.out.empty()) {
      auto r = server::ErrorReply(400, "bad request");
      c.out = fmt::format(
          "HTTP/1.1 400 Bad Request\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
          "Connection: close\r\n\r\n{}",
          r.content_type, r.body.size(), r.body);
    }
    return ok && !closed;
  };
  // Requests the loop refuses before they are whole (bad framing, too
  // large, too slow): the same JSON error and headers, and a log line.
  auto refusal = [p](int status, std::string_view message, const server::Connection& c) {
    auto r = server::ErrorReply(status, message);
    std::string out = fmt::format("HTTP/1.1 {} {}\r\n", status, Reason(status));
    for (const auto& [k, v] : SecurityHeaders()) out += fmt::format("{}: {}\r\n", k, v);
    out += fmt::format(
        "Cache-Control: no-store\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
        "Connection: close\r\n\r\n{}",
        r.content_type, r.body.size(), r.body);
    p->options.log(
        fmt::format("{} {} \"- -\" {} {} -", LogTime(), c.peer_address, status, r.body.size()));
    return out;
  };
  server::EventLoop::Options lo;
  lo.address = p->options.bind;
  lo.port = p->options.port;
  lo.workers = p->options.threads;
  lo.limits = limits;
  lo.tls_cert = p->options.tls_cert;
  lo.tls_key = p->options.tls_key;
  lo.unlimited_peers = p->options.trusted_proxies;
  auto loop = server::EventLoop::Create(std::move(lo), handler, refusal);
  if (!loop.ok()) return loop.error();
  p->loop = std::move(*loop);
  p->listener = std::thread([p] { p->loop_status = p->loop->Run(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

}  // namespace veille
