// gate.cc: authentication, sessions, failed-attempt limits and the audit
// writer (see gate.h).
#include "server/gate.h"

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace veille::server {

namespace {

constexpr size_t kMaxQueuedAudit = 100000;

double Monotonic() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool IsIp(std::string_view s) {
  std::string a(s.substr(0, 64));
  unsigned char buf[16];
  return inet_pton(AF_INET, a.c_str(), buf) == 1 || inet_pton(AF_INET6, a.c_str(), buf) == 1;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Principal Refused(Principal p, std::string message) {
  p.kind = Principal::Kind::kRefused;
  p.message = std::move(message);
  return p;
}

Principal Limited(Principal p, double wait) {
  p.kind = Principal::Kind::kLimited;
  p.retry_after = wait;
  p.message = "too many failed attempts: try again later";
  return p;
}

Principal Failed(Principal p, const Error& e) {
  p.kind = Principal::Kind::kError;
  p.message = e.message;  // for the server's log; clients get a generic 500
  return p;
}

// Checking a token whose id is unknown costs the same hash as checking a
// known one, so that timing does not tell which ids exist.
void HashForNothing(std::string_view secret) {
  static const std::string kSalt(auth::kSaltBytes, '\x5a');
  static const std::string kHash(32, '\0');
  (void)auth::VerifySecret(kSalt, kHash, secret);
}

}  // namespace

std::string SessionCookieHeader(std::string_view value, bool secure) {
  std::string h(kSessionCookie);
  h += '=';
  h += value;
  h += "; Path=/; HttpOnly; SameSite=Strict";
  if (secure) h += "; Secure";
  return h;
}

std::string ClearedCookieHeader(bool secure) {
  std::string h(kSessionCookie);
  h += "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict";
  if (secure) h += "; Secure";
  return h;
}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status AuditWriter::Start() {
  std::call_once(started_, [this] {
    auto a = Archive::Open(db_, OpenMode::kReadWrite);
    if (!a.ok()) {
      start_status_ = Error::Io("the audit log cannot be written: " + a.error().message);
      return;
    }
    archive_ = std::move(*a);
    thread_ = std::thread([this] { Run(); });
  });
  return start_status_;
}

bool AuditWriter::Add(AuditRecord e) {
  if (!Start().ok()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  if (stop_ || queue_.size() >= kMaxQueuedAudit) return false;
  queue_.push_back(std::move(e));
  ++added_;
  cv_.notify_one();
  return true;
}

void AuditWriter::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = added_;
  flushed_.wait(lock, [&] { return written_ >= target || stop_; });
}

void AuditWriter::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::vector<AuditRecord> batch(std::make_move_iterator(queue_.begin()),
                                   std::make_move_iterator(queue_.end()));
    queue_.clear();
    lock.unlock();
    // The archive may be locked by an ingest for a while: retry (requests
    // keep being answered while the queue has room, and are refused once it
    // is full).
    bool complained = false;
    while (true) {
      Status s = archive_->Begin();
      if (s.ok()) {
        s = AppendAudit(*archive_, batch);
        s = s.ok() ? archive_->Commit() : s;
        if (!s.ok()) (void)archive_->Rollback();
      }
      if (s.ok()) break;
      if (!complained) {
        std::fprintf(stderr, "veille: audit log: %s (retrying)\n", s.error().message.c_str());
        complained = true;
      }
      lock.lock();
      bool stopping = stop_;
      lock.unlock();
      if (stopping) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    lock.lock();
    written_ += batch.size();
    flushed_.notify_all();
  }
}

Gate::Gate(std::string db, GateOptions options)
    : path_(db),
      options_(std::move(options)),
      guard_(options_.per_address, options_.per_account),
      sessions_(options_.session_idle_seconds, options_.session_max_seconds),
      audit_(std::move(db)) {}

Result<std::optional<TokenRecord>> Gate::Find(const std::string& token_id) {
  std::lock_guard<std::mutex> lock(db_mu_);
  return FindToken(*db_, token_id);
}

Result<bool> Gate::HasAccountsNow() {
  std::lock_guard<std::mutex> lock(db_mu_);
  return HasAccounts(*db_);
}

Status Gate::Start() {
  auto db = Archive::Open(path_, OpenMode::kReadOnly);
  if (!db.ok()) return db.error();
  db_ = std::move(*db);
  auto has = HasAccountsNow();
  if (!has.ok()) return has.error();
  if (!*has) return OkStatus();
  on_ = true;
  return audit_.Start();
}

bool Gate::auth_on() {
  if (on_) return true;
  // Checked on every request until the first account appears (an indexed
  // read of one row): `veille users add` closes a running server at once.
  auto has = HasAccountsNow();
  if (!has.ok()) return true;  // cannot tell: closed
  if (!*has) return false;
  on_ = true;
  (void)audit_.Start();
  return true;
}

std::string Gate::ClientAddress(const Request& r) const {
  const auto& trusted = options_.trusted_proxies;
  auto is_trusted = [&](std::string_view a) {
    return std::find(trusted.begin(), trusted.end(), a) != trusted.end();
  };
  if (r.forwarded_for.empty() || !is_trusted(r.peer)) return r.peer;
  // The last address not itself a trusted proxy: the one the outermost
  // trusted proxy saw (whatever a client writes first is not believed).
  std::string_view rest = r.forwarded_for;
  while (!rest.empty()) {
    size_t comma = rest.rfind(',');
    std::string_view item = Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (!IsIp(item)) break;
    if (!is_trusted(item)) return std::string(item);
  }
  return r.peer;
}

bool Gate::Secure(const Request& r) const {
  if (r.tls) return true;
  const auto& trusted = options_.trusted_proxies;
  return r.forwarded_proto == "https" &&
         std::find(trusted.begin(), trusted.end(), r.peer) != trusted.end();
}

Principal Gate::FromRecord(const std::string& address, const TokenRecord& t, bool via_session) {
  Principal p;
  p.address = address;
  p.via_session = via_session;
  const std::string now = auth::IsoTime(auth::NowSeconds());
  if (t.revoked) return Refused(p, "token revoked");
  if (t.expires && *t.expires <= now) return Refused(p, "token expired");
  auto role = auth::ParseRole(t.role);
  if (!role.ok()) return Refused(p, "the account has an unknown role");
  p.kind = Principal::Kind::kAccount;
  p.user = t.user;
  p.role = *role;
  p.token_id = t.id;
  return p;
}

Principal Gate::CheckToken(const std::string& address, std::string_view token) {
  Principal p;
  p.address = address;
  const std::string key = auth::AddressKey(address);
  auto parts = auth::SplitToken(token);
  const std::string account = parts ? std::string(parts->id) : std::string();
  const double now = Monotonic();
  if (double wait = guard_.Begin(key, account, now); wait > 0) return Limited(p, wait);
  if (!parts) return Refused(p, "invalid token");
  auto record = Find(account);
  if (!record.ok()) return Failed(p, record.error());
  if (!*record) {
    HashForNothing(parts->secret);
    return Refused(p, "invalid token");
  }
  const TokenRecord& t = **record;
  if (!auth::VerifySecret(t.salt, t.hash, parts->secret)) return Refused(p, "invalid token");
  Principal q = FromRecord(address, t, false);
  // An expired or revoked token keeps its try taken: a script that keeps
  // sending one is slowed like a guesser.
  if (q.kind == Principal::Kind::kAccount) guard_.Succeeded(key, account, now);
  return q;
}

Principal Gate::Identify(const Request& r) {
  Principal p;
  p.address = ClientAddress(r);
  if (!auth_on()) {
    p.kind = Principal::Kind::kOwner;
    p.role = auth::Role::kAdmin;
    return p;
  }
  if (!r.authorization.empty()) {
    auto token = auth::BearerToken(r.authorization);
    if (token) return CheckToken(p.address, *token);
    const std::string key = auth::AddressKey(p.address);
    if (double wait = guard_.Begin(key, "", Monotonic()); wait > 0) return Limited(p, wait);
    return Refused(p, "the Authorization header must be 'Bearer TOKEN'");
  }
  auto sid = auth::CookieValue(r.cookie, kSessionCookie);
  if (!sid) return p;  // kNone
  const std::string key = auth::AddressKey(p.address);
  const double now = Monotonic();
  if (double wait = guard_.Begin(key, "", now); wait > 0) return Limited(p, wait);
  auto token_id = sessions_.Find(*sid, auth::NowSeconds());
  if (!token_id) {
    p.clear_cookie = true;
    return Refused(p, "session expired: log in again");
  }
  // A live session id is no guess, whatever became of its token.
  guard_.Succeeded(key, "", now);
  auto record = Find(*token_id);
  if (!record.ok()) return Failed(p, record.error());
  if (!*record) {
    sessions_.Remove(*sid);
    p.clear_cookie = true;
    return Refused(p, "session ended: its token or account was removed");
  }
  Principal q = FromRecord(p.address, **record, true);
  if (q.kind != Principal::Kind::kAccount) {
    sessions_.Remove(*sid);
    q.clear_cookie = true;
    q.message = "session ended: " + q.message;
  }
  return q;
}

Principal Gate::Login(const Request& r, std::string_view token, std::string* cookie) {
  Principal p = CheckToken(ClientAddress(r), token);
  if (p.kind != Principal::Kind::kAccount) return p;
  auto c = sessions_.Create(p.token_id, auth::NowSeconds());
  if (!c.ok()) return Failed(p, c.error());
  *cookie = std::move(*c);
  p.via_session = true;
  return p;
}

void Gate::Logout(const Request& r) {
  if (auto sid = auth::CookieValue(r.cookie, kSessionCookie)) sessions_.Remove(*sid);
}

bool Gate::Audit(const Principal& who, std::string action, std::string target, std::string detail) {
  if (!on_) return true;
  AuditRecord e;
  e.at = auth::IsoTime(auth::NowSeconds());
  e.user = who.user;
  e.address = who.address;
  e.action = std::move(action);
  e.target = std::move(target);
  e.detail = std::move(detail);
  return audit_.Add(std::move(e));
}

}  // namespace veille::server
