// auth.h: roles, API tokens, sessions and limits on failed attempts.
//
// In:  token texts and HTTP credential headers (untrusted), user names and
//      roles from the command line, the current time.
// Out: new tokens (random, from the OS CSPRNG) with the salted hash that is
//      all the archive keeps of them; verification in constant time; session
//      ids for the web UI; whether a client may try credentials now.
// Thread-safety: free functions are pure (RandomBytes reads getrandom(2)).
//      AttemptGuard and SessionStore may be used from any thread (each holds
//      its own mutex).
//
// The archive stores accounts (veille/accounts.h); the server decides who may
// call which route (src/server/); this module holds the security-sensitive
// pieces both use, so that they are written and tested once.
#ifndef VEILLE_AUTH_H_
#define VEILLE_AUTH_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "veille/result.h"

namespace veille::auth {

// What an account may do. Each role includes the ones before it: readers
// search and read; editors also manage sources and corrections; admins also
// manage users.
enum class Role : int { kReader = 1, kEditor = 2, kAdmin = 3 };

std::string_view RoleName(Role r);  // "reader", "editor", "admin"
// InvalidArgument naming the accepted roles for anything else.
Result<Role> ParseRole(std::string_view name);
inline bool Allows(Role have, Role need) {
  return static_cast<int>(have) >= static_cast<int>(need);
}

// 1..64 bytes of ASCII letters, digits and . _ @ - (not starting with - or .).
bool IsValidUserName(std::string_view name);

// `n` bytes from the kernel's CSPRNG (getrandom(2), blocking until it is
// seeded); an Io error if the kernel refuses.
Result<std::string> RandomBytes(size_t n);

// Lowercase hex and unpadded base64url (RFC 4648 §5).
std::string Hex(std::string_view bytes);
std::string Base64Url(std::string_view bytes);

// A token is "veille_" + 16 hex digits (its public id, which names the
// database row) + "_" + 43 base64url characters (32 random bytes: the
// secret). Only SHA-256(salt || secret) is stored: the secret is random and
// 256 bits long, so a slow password hash would add nothing but CPU per
// request.
inline constexpr size_t kTokenIdHexChars = 16;
inline constexpr size_t kSaltBytes = 16;

struct NewToken {
  std::string id;    // 16 hex digits
  std::string text;  // the whole token: shown once, never stored
  std::string salt;  // kSaltBytes random bytes
  std::string hash;  // SHA-256(salt || secret), 32 bytes
};
Result<NewToken> MakeToken();

struct TokenParts {
  std::string_view id;      // 16 lowercase hex digits
  std::string_view secret;  // 43 base64url characters
};
// The parts of a well-formed token text, or nothing (without saying why:
// the text is a credential and is never echoed).
std::optional<TokenParts> SplitToken(std::string_view text);

std::string HashSecret(std::string_view salt, std::string_view secret);
// Whether `secret` hashes to `stored_hash` with `salt`; the comparison takes
// the same time wherever the hashes differ.
bool VerifySecret(std::string_view salt, std::string_view stored_hash, std::string_view secret);
// Compares in time that depends only on the lengths (CRYPTO_memcmp).
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// --- HTTP credentials (untrusted header values) ---
// The token of "Bearer <token>" (scheme case-insensitive, one or more spaces),
// or nothing for any other scheme or shape.
std::optional<std::string_view> BearerToken(std::string_view authorization);
// The value of cookie `name` in a Cookie header ("a=1; b=2"), or nothing.
// A name given twice yields nothing: which one the browser meant cannot be
// told, and a second cookie is how a sibling site would try to fix a session.
std::optional<std::string_view> CookieValue(std::string_view cookie_header, std::string_view name);
// The key under which failed attempts from `address` are counted: the
// address itself for IPv4, its /64 prefix for IPv6 (one host holds a whole
// /64), the text as given for anything else.
std::string AddressKey(std::string_view address);

// --- time ---
int64_t NowSeconds();                       // Unix time
std::string IsoTime(int64_t unix_seconds);  // "2024-05-14T10:00:00Z"
// "90d", "12h", "30m", "4w", "3600s" -> seconds; "never" -> nothing.
Result<std::optional<int64_t>> ParseDuration(std::string_view text);

// Limits on failed credential checks, as token buckets: each key may fail
// `burst` times at once, then `per_second` times a second. Over the limit, an
// attempt is not evaluated at all (the caller answers 429), so a guesser
// learns nothing from it.
struct AttemptLimits {
  double burst = 10;
  double per_second = 1;
};

// Per address and per account. An attempt takes one try from its address's
// bucket and, when the credentials name an account (a token id), from that
// account's bucket; a success gives them back. Addresses that have succeeded
// for an account lately are exempt from that account's bucket (like OWASP's
// "device cookies"): someone hammering an account from one place does not
// lock its owner out elsewhere. Memory is bounded: at most `max_keys` keys
// per table; full buckets are dropped first, then the oldest.
class AttemptGuard {
 public:
  AttemptGuard(AttemptLimits per_address, AttemptLimits per_account, size_t max_keys = 100000);

  // 0 if the attempt may be evaluated now (its tries are taken), else the
  // seconds to wait. `account` may be empty (nothing named). `now` in
  // seconds on any monotonic clock.
  double Begin(std::string_view address, std::string_view account, double now);
  // The attempt succeeded: its tries are given back, and `address` is
  // trusted for `account` for a day.
  void Succeeded(std::string_view address, std::string_view account, double now);

 private:
  struct Bucket {
    double tokens;
    double at;  // when `tokens` was computed
  };
  class Table {
   public:
    Table(AttemptLimits limits, size_t max_keys) : limits_(limits), max_keys_(max_keys) {}
    double Take(std::string_view key, double now);  // 0 or seconds to wait
    void Give(std::string_view key, double now);

   private:
    Bucket& Find(std::string_view key, double now);
    void Evict(double now);
    AttemptLimits limits_;
    size_t max_keys_;
    std::unordered_map<std::string, Bucket> buckets_;
  };
  bool Trusted(std::string_view address, std::string_view account, double now) const;

  std::mutex mu_;
  Table addresses_, accounts_;
  // account + '\n' + address -> when it last succeeded.
  std::unordered_map<std::string, double> trusted_;
  size_t max_keys_;
};

// Sessions of the web UI: a random id in an HttpOnly cookie, exchanged for
// a token at login. The store keeps only a hash of each id, with the token
// it stands for; the caller checks that token again on every request, so
// revoking the token or removing its user ends the session at once. Kept in
// memory: a restart logs everyone out.
class SessionStore {
 public:
  // Sessions end after `idle_seconds` without a request, `max_age_seconds`
  // after login, or when more than `max_sessions` exist (oldest first).
  SessionStore(int64_t idle_seconds, int64_t max_age_seconds, size_t max_sessions = 10000);

  // A new session for `token_id`; returns the cookie value (43 base64url
  // characters).
  Result<std::string> Create(std::string token_id, int64_t now);
  // The token id of a live session (and marks it used), or nothing.
  std::optional<std::string> Find(std::string_view cookie_value, int64_t now);
  void Remove(std::string_view cookie_value);
  size_t size() const;

 private:
  struct Entry {
    std::string token_id;
    int64_t created, last_seen;
  };
  const int64_t idle_, max_age_;
  const size_t max_sessions_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> by_hash_;  // SHA-256 hex of the id
};

}  // namespace veille::auth

#endif  // VEILLE_AUTH_H_
