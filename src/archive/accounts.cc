// accounts.cc: users, tokens and the audit log (see veille/accounts.h).
#include "veille/accounts.h"

#include <algorithm>

#include "archive/backend.h"
#include "archive/db.h"

namespace veille {

using sql::DbError;
using sql::ResetOnExit;
using sql::Stmt;

namespace {

Result<int64_t> UserId(Archive& a, const std::string& name) {
  Stmt& st = a.Cached("SELECT id FROM users WHERE name = ?1");
  ResetOnExit reset(st);
  st.Bind(1, name);
  int rc = st.Step();
  if (rc == sql::kRow) return st.Int(0);
  if (rc != sql::kDone) return DbError(a.db(), "looking up a user");
  return Error::NotFound("no user '" + name + "'");
}

}  // namespace

Result<bool> HasAccounts(Archive& a) {
  auto table = a.backend().HasTable("users");
  if (!table.ok()) return table.error();
  if (!*table) return false;
  Stmt& st = a.Cached("SELECT EXISTS (SELECT 1 FROM users)");
  ResetOnExit reset(st);
  if (st.Step() != sql::kRow) return DbError(a.db(), "counting users");
  return st.Int(0) != 0;
}

Status AddUser(Archive& a, const std::string& name, const std::string& role,
               const std::string& created) {
  Stmt& st = a.Cached("INSERT INTO users(name, role, created) VALUES (?1, ?2, ?3)");
  ResetOnExit reset(st);
  st.Bind(1, name).Bind(2, role).Bind(3, created);
  int rc = st.Step();
  if (rc == sql::kDone) return OkStatus();
  if (a.db().LastErrorWasConstraint()) {
    const std::string message = a.db().ErrorMessage();
    // SQLite names the column ("users.name"), PostgreSQL the index ("users_name_key").
    if (message.find("users.name") != std::string::npos ||
        message.find("users_name_key") != std::string::npos)
      return Error::InvalidArgument("user '" + name + "' already exists");
    return Error::InvalidArgument("bad role '" + role + "': reader, editor or admin");
  }
  return DbError(a.db(), "adding a user");
}

Status RemoveUser(Archive& a, const std::string& name) {
  auto id = UserId(a, name);
  if (!id.ok()) return id.error();
  for (const char* q :
       {"DELETE FROM tokens WHERE user_id = ?1", "DELETE FROM users WHERE id = ?1"}) {
    Stmt& st = a.Cached(q);
    ResetOnExit reset(st);
    st.Bind(1, *id);
    if (st.Step() != sql::kDone) return DbError(a.db(), "removing a user");
  }
  return OkStatus();
}

Result<std::vector<UserRecord>> Users(Archive& a, const std::string& now) {
  Stmt& st = a.Cached(
      "SELECT u.name, u.role, u.created, "
      "(SELECT count(*) FROM tokens t WHERE t.user_id = u.id AND t.revoked IS NULL "
      " AND (t.expires IS NULL OR t.expires > ?1)) "
      "FROM users u ORDER BY u.name");
  ResetOnExit reset(st);
  st.Bind(1, now);
  std::vector<UserRecord> out;
  int rc;
  while ((rc = st.Step()) == sql::kRow)
    out.push_back({st.Text(0), st.Text(1), st.Text(2), static_cast<uint64_t>(st.Int(3))});
  if (rc != sql::kDone) return DbError(a.db(), "listing users");
  return out;
}

Status AddToken(Archive& a, const std::string& user, const TokenRecord& t) {
  auto id = UserId(a, user);
  if (!id.ok()) return id.error();
  Stmt& st = a.Cached(
      "INSERT INTO tokens(id, user_id, salt, hash, label, created, expires) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  ResetOnExit reset(st);
  st.Bind(1, t.id).Bind(2, *id).BindBlob(3, t.salt).BindBlob(4, t.hash).Bind(5, t.label);
  st.Bind(6, t.created).Bind(7, t.expires);
  if (st.Step() != sql::kDone) return DbError(a.db(), "adding a token");
  return OkStatus();
}

Status RevokeToken(Archive& a, const std::string& id, const std::string& at) {
  auto found = FindToken(a, id);
  if (!found.ok()) return found.error();
  if (!*found) return Error::NotFound("no token '" + id + "'");
  if ((*found)->revoked) return Error::InvalidArgument("token '" + id + "' is already revoked");
  Stmt& st = a.Cached("UPDATE tokens SET revoked = ?2 WHERE id = ?1 AND revoked IS NULL");
  ResetOnExit reset(st);
  st.Bind(1, id).Bind(2, at);
  if (st.Step() != sql::kDone) return DbError(a.db(), "revoking a token");
  return OkStatus();
}

Result<std::vector<TokenRecord>> Tokens(Archive& a, const std::optional<std::string>& user) {
  Stmt& st = a.Cached(
      "SELECT t.id, u.name, u.role, t.label, t.created, t.expires, t.revoked "
      "FROM tokens t JOIN users u ON u.id = t.user_id "
      "WHERE CAST(?1 AS TEXT) IS NULL OR u.name = ?1 ORDER BY t.created DESC, t.id");
  ResetOnExit reset(st);
  st.Bind(1, user);
  std::vector<TokenRecord> out;
  int rc;
  while ((rc = st.Step()) == sql::kRow) {
    TokenRecord t;
    t.id = st.Text(0);
    t.user = st.Text(1);
    t.role = st.Text(2);
    t.label = st.OptText(3);
    t.created = st.Text(4);
    t.expires = st.OptText(5);
    t.revoked = st.OptText(6);
    out.push_back(std::move(t));
  }
  if (rc != sql::kDone) return DbError(a.db(), "listing tokens");
  return out;
}

Result<std::optional<TokenRecord>> FindToken(Archive& a, const std::string& id) {
  Stmt& st = a.Cached(
      "SELECT t.id, u.name, u.role, t.salt, t.hash, t.label, t.created, t.expires, t.revoked "
      "FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?1");
  ResetOnExit reset(st);
  st.Bind(1, id);
  int rc = st.Step();
  if (rc == sql::kDone) return std::optional<TokenRecord>();
  if (rc != sql::kRow) return DbError(a.db(), "looking up a token");
  TokenRecord t;
  t.id = st.Text(0);
  t.user = st.Text(1);
  t.role = st.Text(2);
  t.salt = st.Blob(3);
  t.hash = st.Blob(4);
  t.label = st.OptText(5);
  t.created = st.Text(6);
  t.expires = st.OptText(7);
  t.revoked = st.OptText(8);
  return std::optional<TokenRecord>(std::move(t));
}

Status AppendAudit(Archive& a, const std::vector<AuditRecord>& entries) {
  Stmt& st = a.Cached(
      "INSERT INTO audit_log(at, user_name, address, action, target, detail) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  for (const auto& e : entries) {
    ResetOnExit reset(st);
    st.Bind(1, e.at).Bind(2, e.user).Bind(3, e.address).Bind(4, e.action).Bind(5, e.target);
    st.Bind(6, e.detail);
    if (st.Step() != sql::kDone) return DbError(a.db(), "writing the audit log");
  }
  return OkStatus();
}

Result<std::vector<AuditRecord>> ReadAudit(Archive& a, const AuditQuery& q) {
  // `since` and `until` are prefixes of the timestamp ("2024", "2024-05-14",
  // "2024-05-14T10:00"), both inclusive.
  std::optional<std::string> prefix;
  if (q.action && q.action->ends_with('*')) prefix = q.action->substr(0, q.action->size() - 1);
  Stmt& st = a.Cached(
      "SELECT id, at, user_name, address, action, target, detail FROM audit_log "
      "WHERE (CAST(?1 AS TEXT) IS NULL OR user_name = ?1) "
      "AND (CAST(?2 AS TEXT) IS NULL OR at >= ?2) "
      "AND (CAST(?3 AS TEXT) IS NULL OR substr(at, 1, length(CAST(?3 AS TEXT))) <= ?3) "
      "AND (CAST(?4 AS TEXT) IS NULL OR action = ?4) "
      "AND (CAST(?5 AS TEXT) IS NULL OR substr(action, 1, length(CAST(?5 AS TEXT))) = ?5) "
      "ORDER BY id DESC LIMIT ?6");
  ResetOnExit reset(st);
  st.Bind(1, q.user).Bind(2, q.since).Bind(3, q.until);
  st.Bind(4, prefix ? std::nullopt : q.action).Bind(5, prefix);
  st.Bind(6, static_cast<int64_t>(q.limit));
  std::vector<AuditRecord> out;
  int rc;
  while ((rc = st.Step()) == sql::kRow)
    out.push_back(
        {st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6)});
  if (rc != sql::kDone) return DbError(a.db(), "reading the audit log");
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace veille
