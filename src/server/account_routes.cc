// account_routes.cc: /api/me, /api/login, /api/logout, /api/users,
// /api/audit (see account_routes.h).
#include "server/account_routes.h"

#include <nlohmann/json.hpp>

#include "veille/accounts.h"

namespace veille::server {

using nlohmann::json;

namespace {

constexpr size_t kMaxTokenBytes = 200;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Reply JsonReply(const json& j) {
  Reply r;
  r.body = Dump(j);
  return r;
}

json Who(const Principal& p) {
  const bool account = p.kind == Principal::Kind::kAccount;
  return {{"auth", p.kind != Principal::Kind::kOwner},
          {"user", account ? json(p.user) : json(nullptr)},
          {"role", account ? json(auth::RoleName(p.role)) : json(nullptr)}};
}

}  // namespace

Reply Me(const Call& c) {
  // A public route: the credentials are looked at here, and a refused or
  // missing one is an answer ("nobody"), not an error.
  Principal who = c.gate.Identify(c.request);
  Reply r = JsonReply(Who(who));
  if (who.clear_cookie)
    r.headers.emplace_back("Set-Cookie", ClearedCookieHeader(c.gate.Secure(c.request)));
  return r;
}

Reply Login(const Call& c) {
  if (!c.gate.auth_on()) {
    Principal owner;
    owner.kind = Principal::Kind::kOwner;
    return JsonReply(Who(owner));
  }
  json body = json::parse(c.request.body, nullptr, false);
  if (!body.is_object() || !body.contains("token") || !body["token"].is_string())
    return ErrorReply(400, "the body must be {\"token\": \"...\"}");
  const std::string token = body["token"].get<std::string>();
  if (token.size() > kMaxTokenBytes) return ErrorReply(400, "invalid token");
  std::string cookie;
  Principal who = c.gate.Login(c.request, token, &cookie);
  const bool secure = c.gate.Secure(c.request);
  if (who.kind != Principal::Kind::kAccount) {
    // The token itself is never written anywhere.
    if (who.kind == Principal::Kind::kRefused)
      (void)c.gate.Audit(who, "login failed", "", Dump({{"reason", who.message}}));
    return RefusalReply(who, secure);
  }
  if (!c.gate.Audit(who, "login", who.user, Dump({{"token", who.token_id}})))
    return ErrorReply(503, "the audit log cannot be written: try again later");
  Reply r = JsonReply(Who(who));
  r.headers.emplace_back("Set-Cookie", SessionCookieHeader(cookie, secure));
  return r;
}

Reply Logout(const Call& c) {
  Principal who = c.gate.Identify(c.request);
  c.gate.Logout(c.request);
  if (who.kind == Principal::Kind::kAccount && who.via_session)
    (void)c.gate.Audit(who, "logout", who.user, "{}");
  Reply r = JsonReply({{"ok", true}});
  r.headers.emplace_back("Set-Cookie", ClearedCookieHeader(c.gate.Secure(c.request)));
  return r;
}

Reply UsersList(const Call& c) {
  auto archive = c.pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  auto users = Users(**archive, auth::IsoTime(auth::NowSeconds()));
  if (!users.ok()) return ErrorReply(users.error());
  json out = json::array();
  for (const auto& u : *users)
    out.push_back(
        {{"name", u.name}, {"role", u.role}, {"created", u.created}, {"tokens", u.tokens}});
  return JsonReply({{"users", std::move(out)}});
}

std::vector<ParamSpec> AuditParams() {
  using K = ParamSpec::Kind;
  return {{"user", K::kText, false, 0, 64},
          {"since", K::kText, false, 0, 40},
          {"until", K::kText, false, 0, 40},
          {"action", K::kText, false, 0, 100},
          {"limit", K::kInt, false, 1, 1000}};
}

Reply AuditLog(const Call& c) {
  AuditQuery q;
  q.user = c.params.Text("user");
  q.since = c.params.Text("since");
  q.until = c.params.Text("until");
  q.action = c.params.Text("action");
  q.limit = static_cast<size_t>(c.params.Int("limit", 100));
  auto archive = c.pool.Acquire();
  if (!archive.ok()) return ErrorReply(archive.error());
  auto entries = ReadAudit(**archive, q);
  if (!entries.ok()) return ErrorReply(entries.error());
  json out = json::array();
  for (const auto& e : *entries) {
    json detail = json::parse(e.detail, nullptr, false);
    out.push_back({{"id", e.id},
                   {"at", e.at},
                   {"user", e.user},
                   {"address", e.address},
                   {"action", e.action},
                   {"target", e.target},
                   {"detail", detail.is_discarded() ? json(nullptr) : detail}});
  }
  return JsonReply({{"entries", std::move(out)}});
}

}  // namespace veille::server
