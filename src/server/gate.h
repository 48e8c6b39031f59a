// gate.h: who is asking, and may they (internal to the server).
//
// In:  one request's credentials (Authorization: Bearer, the session
//      cookie), its client address, and the archive's accounts.
// Out: a Principal (the account and role, or why there is none), new
//      sessions at login, and audit entries written to the archive by a
//      background thread.
// Thread-safety: every method may be called from any thread at once.
//
// Authentication is on as soon as the archive has an account, and stays on
// for the life of the process (removing the last account cannot open a
// server that was closed). Off, every request is the archive's owner with
// every role, and nothing is audited.
#ifndef VEILLE_SERVER_GATE_H_
#define VEILLE_SERVER_GATE_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "veille/accounts.h"
#include "veille/auth.h"
#include "veille/result.h"

namespace veille::server {

// What the transport knows of a request, as the API sees it. Header values
// are empty when absent.
struct Request {
  std::string_view method;                                  // GET, HEAD, POST, ...
  std::string_view path;                                    // decoded, without the query string
  std::vector<std::pair<std::string, std::string>> params;  // decoded
  std::string_view body;
  std::string_view content_type, authorization, cookie, origin, host;
  std::string_view forwarded_for, forwarded_proto;  // X-Forwarded-For, -Proto
  std::string peer;                                 // the socket's peer address
  bool tls = false;
};

struct Principal {
  enum class Kind {
    kOwner,    // authentication is off: the archive's owner
    kAccount,  // a valid token or session
    kNone,     // no credentials given
    kRefused,  // credentials given and refused (message says which way)
    kLimited,  // too many failures: not evaluated (retry_after)
    kError,    // the archive could not be read
  };
  Kind kind = Kind::kNone;
  std::string user;
  auth::Role role = auth::Role::kReader;
  std::string token_id;
  bool via_session = false;
  bool clear_cookie = false;  // a session cookie that no longer works
  double retry_after = 0;
  std::string message;
  std::string address;  // the client (after trusted proxies)
};

struct GateOptions {
  auth::AttemptLimits per_address{5, 0.5};
  auth::AttemptLimits per_account{10, 0.5};
  int64_t session_idle_seconds = 12 * 3600;
  int64_t session_max_seconds = 7 * 86400;
  // Reverse proxies whose X-Forwarded-For / -Proto are believed (exact
  // addresses as the socket reports them).
  std::vector<std::string> trusted_proxies;
};

// Appends audit entries to the archive from one thread with its own
// read-write connection, in batches, so that a request never waits for the
// archive's write lock (an ingest may hold it).
class AuditWriter {
 public:
  explicit AuditWriter(std::string db) : db_(std::move(db)) {}
  ~AuditWriter();
  // Opens the connection and starts the thread (once; later calls return
  // the first outcome).
  Status Start();
  // Queues an entry; false when the log cannot keep up or cannot be written
  // (the caller then refuses the request: no unaudited access).
  bool Add(AuditRecord e);
  // Waits until everything queued so far is written (tests, shutdown).
  void Flush();

 private:
  void Run();
  const std::string db_;
  std::once_flag started_;
  Status start_status_ = OkStatus();
  std::unique_ptr<Archive> archive_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_, flushed_;
  std::deque<AuditRecord> queue_;
  uint64_t added_ = 0, written_ = 0;
  bool stop_ = false, failed_ = false;
};

class Gate {
 public:
  // `db`: the archive's path (the gate opens its own connections).
  Gate(std::string db, GateOptions options);

  // Checks the archive for accounts (at start: a bad archive fails here) and,
  // if there are, starts the audit writer.
  Status Start();
  bool auth_on();

  // The client's address: the socket's, or the last one a trusted proxy
  // forwarded.
  std::string ClientAddress(const Request& r) const;
  bool Secure(const Request& r) const;  // TLS here or at a trusted proxy

  // Who sent `r`: the owner when authentication is off, else the account
  // of its Bearer token or session cookie (a token wins over a cookie).
  // Every refused credential costs a try of the address (and of the account
  // a token names); over the limit nothing is evaluated (kLimited).
  Principal Identify(const Request& r);
  // Exchanges a token for a session: on success `*cookie` is the new
  // session id.
  Principal Login(const Request& r, std::string_view token, std::string* cookie);
  void Logout(const Request& r);

  // Queues an audit entry when authentication is on; false if it could not
  // be (the request must then be refused).
  bool Audit(const Principal& who, std::string action, std::string target, std::string detail);
  AuditWriter& audit_writer() { return audit_; }

 private:
  Principal CheckToken(const std::string& address, std::string_view token);
  Principal FromRecord(const std::string& address, const TokenRecord& t, bool via_session);
  Result<std::optional<TokenRecord>> Find(const std::string& token_id);
  Result<bool> HasAccountsNow();

  // The gate's own read-only connection: its lookups take microseconds and
  // must not queue behind searches for one of the pool's.
  std::mutex db_mu_;
  std::unique_ptr<Archive> db_;
  std::string path_;
  GateOptions options_;
  auth::AttemptGuard guard_;
  auth::SessionStore sessions_;
  AuditWriter audit_;
  std::atomic<bool> on_{false};
  std::atomic<double> next_check_{0};
};

// The one place where a cookie is spelt: name, attributes, lifetime.
inline constexpr std::string_view kSessionCookie = "veille_session";
std::string SessionCookieHeader(std::string_view value, bool secure);
std::string ClearedCookieHeader(bool secure);

}  // namespace veille::server

#endif  // VEILLE_SERVER_GATE_H_
