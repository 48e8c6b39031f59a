// accounts.h: users, API tokens and the audit log, as stored in the archive.
//
// In:  an open Archive (read-write to change anything); names, roles, token
//      hashes and audit entries made by the caller (veille/auth.h makes the
//      tokens; the CLI and the server make the entries).
// Out: the rows of `users`, `tokens` and `audit_log` (docs/schema.md).
// Thread-safety: like Archive, one thread at a time per Archive.
//
// These functions write inside the caller's transaction when one is open
// (Archive::Begin), so that a change and its audit entry commit together.
// The archive keeps no secret: a token's row holds its salt and SHA-256
// hash, never the token. `audit_log` is append-only (triggers refuse UPDATE
// and DELETE on it).
#ifndef VEILLE_ACCOUNTS_H_
#define VEILLE_ACCOUNTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "veille/archive.h"
#include "veille/result.h"

namespace veille {

// Times are UTC, "YYYY-MM-DDTHH:MM:SSZ" (auth::IsoTime), so that they sort
// and compare as text.
struct UserRecord {
  std::string name;
  std::string role;  // reader, editor or admin
  std::string created;
  uint64_t tokens = 0;  // tokens neither revoked nor expired at the time given to Users()
};

struct TokenRecord {
  std::string id;          // the public part of the token (16 hex digits)
  std::string user, role;  // the owner's name and role (read side only)
  std::string salt, hash;  // bytes
  std::optional<std::string> label;
  std::string created;
  std::optional<std::string> expires, revoked;
};

struct AuditRecord {
  int64_t id = 0;       // read side only: order of writing
  std::string at;       // when
  std::string user;     // account name; "" when authentication is off
  std::string address;  // client address, or "cli" for the command line
  std::string action;   // "GET /api/search", "login", "users add", ...
  std::string target;   // what it acted on: an article id, a query, a user name
  std::string detail;   // a JSON object with the rest (parameters), or ""
};

struct AuditQuery {
  std::optional<std::string> user;
  std::optional<std::string> since, until;  // prefixes of `at`, inclusive
  std::optional<std::string> action;        // exact, or a prefix ending in '*'
  size_t limit = 100;                       // the most recent `limit` entries
};

// Whether the archive has at least one user. False, not an error, for an
// archive older than the accounts tables (opened read-only).
Result<bool> HasAccounts(Archive& a);

// InvalidArgument if the name is taken.
Status AddUser(Archive& a, const std::string& name, const std::string& role,
               const std::string& created);
// Removes the user and their tokens; NotFound if there is no such user.
Status RemoveUser(Archive& a, const std::string& name);
// Every user by name; `now` decides which tokens count as live.
Result<std::vector<UserRecord>> Users(Archive& a, const std::string& now);

// Adds `t` (id, salt, hash, label, created, expires) for user `user`;
// NotFound if there is no such user.
Status AddToken(Archive& a, const std::string& user, const TokenRecord& t);
// Marks the token revoked at `at`; NotFound if there is no such token,
// InvalidArgument if it already is.
Status RevokeToken(Archive& a, const std::string& id, const std::string& at);
// Tokens of `user` (every user's if nothing), newest first; salts and
// hashes are left empty.
Result<std::vector<TokenRecord>> Tokens(Archive& a, const std::optional<std::string>& user);
// One token with its owner's name and role, salt and hash; nothing if no
// such token (or user).
Result<std::optional<TokenRecord>> FindToken(Archive& a, const std::string& id);

Status AppendAudit(Archive& a, const std::vector<AuditRecord>& entries);
// Matching entries, oldest first (the last `limit` of them).
Result<std::vector<AuditRecord>> ReadAudit(Archive& a, const AuditQuery& q);

}  // namespace veille

#endif  // VEILLE_ACCOUNTS_H_
