// api.h: the server's request handling, without any HTTP library (internal).
//
// In:  a decoded Request (gate.h): method, path, query parameters, body and
//      the headers that carry credentials.
// Out: a Reply (status, content type, body, extra headers): JSON for /api/...,
//      a file of the web folder (or a redirect into the UI) otherwise.
// Thread-safety: Api::Handle may be called from many threads at once; each
//      call borrows its own Archive from the pool.
//
// Every API route says, where it is registered, which role may call it
// (Endpoint::access has no default: a route cannot be added without one).
// Api::Handle checks it before anything else about the request: without an
// account a route answers 401, with too small a role 403, and neither says
// more. Every route that needs an account is audited.
//
// Kept apart from http.cc so that routing, validation and path safety are
// tested directly, and the slow-to-compile HTTP header stays in one file.
#ifndef VEILLE_SERVER_API_H_
#define VEILLE_SERVER_API_H_

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/gate.h"
#include "veille/archive.h"
#include "veille/archive_queries.h"
#include "veille/auth.h"
#include "veille/result.h"

namespace veille::server {

struct Reply {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Valid UTF-8 without control characters: what every text parameter and
// path segment must be before it goes anywhere near SQL, a file name or a log.
bool IsCleanText(std::string_view s);

// The one place where Error codes become HTTP statuses.
int HttpStatusFor(const Error& e);
// {"error": {"status": S, "message": M}}.
Reply ErrorReply(int status, std::string_view message);
inline Reply ErrorReply(const Error& e) { return ErrorReply(HttpStatusFor(e), e.message); }

// Query parameters in request order, names and values already URL-decoded.
using RawParams = std::vector<std::pair<std::string, std::string>>;

// What one endpoint accepts. Validation rejects unknown names, repeated
// names, missing required ones, bad types and out-of-range values.
struct ParamSpec {
  enum class Kind { kText, kInt, kDate, kBool, kChoice };
  std::string_view name;
  Kind kind = Kind::kText;
  bool required = false;
  int64_t min = 0, max = 0;       // kInt: range; kText: max is the byte cap
  std::string_view choices = "";  // kChoice: space-separated accepted values
};

// Validated parameters of one request.
class Params {
 public:
  std::optional<std::string> Text(std::string_view name) const;
  int64_t Int(std::string_view name, int64_t fallback) const;
  bool Bool(std::string_view name, bool fallback) const;
  void Set(std::string_view name, std::string value);

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

Result<Params> ValidateParams(const std::vector<ParamSpec>& specs, const RawParams& raw);

// A pool of read-only Archives, one per request in flight: an Archive is a
// single SQLite connection and must not be shared between threads. At most
// `max_open` exist; further requests wait for one to be released. Searches
// are CPU-bound, so running more at once than the machine has cores only
// stretches every one of them (and each connection has its own caches).
class ArchivePool {
 public:
  explicit ArchivePool(std::string path, size_t max_open = 8)
      : path_(std::move(path)), max_open_(std::max<size_t>(1, max_open)) {}

  class Lease {
   public:
    Lease(ArchivePool* pool, std::unique_ptr<Archive> a) : pool_(pool), a_(std::move(a)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (a_) pool_->Release(std::move(a_));
    }
    Archive& operator*() { return *a_; }
    Archive* operator->() { return a_.get(); }

   private:
    ArchivePool* pool_;
    std::unique_ptr<Archive> a_;
  };

  Result<Lease> Acquire();
  // Opens connections until `n` are idle, so that the first burst of
  // requests does not pay for opening them (and memory is taken up front).
  Status Warm(size_t n);
  // Shared by every connection: what searches filter and facet on.
  SearchAttributes& attributes() { return attributes_; }
  // The archive's file (routes that change it open it read-write).
  const std::string& path() const { return path_; }

 private:
  void Release(std::unique_ptr<Archive> a);
  SearchAttributes attributes_;
  std::string path_;
  const size_t max_open_;
  size_t open_ = 0;  // idle and leased
  // A request waiting for a connection: woken with one handed over, or with
  // leave to open one (a failed open frees its slot).
  struct Waiter {
    std::condition_variable cv;
    bool ready = false;
    std::unique_ptr<Archive> handed;
  };
  std::mutex mu_;
  std::vector<std::unique_ptr<Archive>> idle_;
  std::deque<Waiter*> waiters_;  // oldest first
};

// Maps a decoded URL path to a path relative to the web folder, or an
// InvalidArgument error for anything that could leave it: "..", ".", empty
// segments, backslashes, control bytes (NUL included), invalid UTF-8, or
// over 1024 bytes. "/" becomes "index.html".
Result<std::string> SafeRelativePath(std::string_view path);

// Successful JSON answers by request, least recently used dropped first,
// all dropped when the archive's generation (see ArchiveGeneration) moves:
// a search for a common word ranks thousands of matches, and the same
// searches come back (pages, facets clicked and unclicked, many users).
// Thread-safe.
class ResponseCache {
 public:
  explicit ResponseCache(size_t max_bytes) : max_bytes_(max_bytes) {}
  // The body cached for `key` at `generation`, or null.
  std::shared_ptr<const std::string> Find(const std::string& key, int64_t generation);
  void Put(const std::string& key, int64_t generation, std::string body);
  size_t bytes() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const std::string>>;
  void ResetIfStale(int64_t generation);  // holds mu_
  const size_t max_bytes_;
  mutable std::mutex mu_;
  int64_t generation_ = -1;
  size_t bytes_ = 0;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

// Who may call a route: anyone (the UI's files, login), or an account with
// at least the given role. No default constructor, so that an Endpoint
// cannot be declared without one.
class Access {
 public:
  static constexpr Access Public() { return Access(0); }
  static constexpr Access Reader() { return Access(1); }
  static constexpr Access Editor() { return Access(2); }
  static constexpr Access Admin() { return Access(3); }
  bool is_public() const { return level_ == 0; }
  auth::Role role() const { return static_cast<auth::Role>(level_ == 0 ? 1 : level_); }
  std::string_view name() const;  // "public", "reader", "editor", "admin"

 private:
  constexpr explicit Access(int level) : level_(level) {}
  int level_;
};

// What a handler may need beyond its parameters: who is asking, the whole
// request (body, cookies) and the gate (sessions, audit).
struct Call {
  ArchivePool& pool;
  Gate& gate;
  std::string_view id;  // from the path, for routes ending in '/'
  const Params& params;
  const Request& request;
  const Principal& who;
};

// A route's handler: most take the pool, the id and the parameters (their
// answers depend on the archive only, and are cached); those that need the
// request or the account take a Call (never cached).
class Handler {
 public:
  using Plain = Reply (*)(ArchivePool&, std::string_view, const Params&);
  using WithCall = Reply (*)(const Call&);
  Handler(Plain f) : plain_(f) {}    // NOLINT: implicit by design
  Handler(WithCall f) : call_(f) {}  // NOLINT: implicit by design
  bool cacheable() const { return plain_ != nullptr; }
  Reply operator()(const Call& c) const {
    return plain_ ? plain_(c.pool, c.id, c.params) : call_(c);
  }

 private:
  Plain plain_ = nullptr;
  WithCall call_ = nullptr;
};

struct Endpoint {
  std::string_view path;  // ends with '/' when the rest of the path is an id
  std::vector<ParamSpec> params;
  Handler handler;
  Access access;                    // required
  std::string_view method = "GET";  // GET also answers HEAD
};

// Every API route, in the order they are matched.
const std::vector<Endpoint>& Endpoints();
// "/api/articles/{id}" for "/api/articles/": how routes are named in the
// audit log, 404 messages and docs/api.md.
std::string RouteName(const Endpoint& e);

class Api {
 public:
  // `web_dir` must exist; it is made canonical once here. `cache_bytes` 0
  // disables the answer cache.
  Api(ArchivePool* pool, Gate* gate, const std::string& web_dir, size_t cache_bytes = 0);

  Reply Handle(const Request& r);

 private:
  Reply Route(const Request& r);
  Reply Ui(const Request& r);
  Reply Static(std::string_view path);
  ArchivePool* pool_;
  Gate* gate_;
  std::string web_dir_;  // canonical, without a trailing slash
  std::unique_ptr<ResponseCache> cache_;
};

// The answer to a request whose credentials are missing, refused (401),
// over the failure limit (429) or could not be checked (500).
Reply RefusalReply(const Principal& who, bool secure);

// The query string of `params`, percent-encoded (for redirects into the UI).
std::string EncodeQuery(const RawParams& params);

}  // namespace veille::server

#endif  // VEILLE_SERVER_API_H_
