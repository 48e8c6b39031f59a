// users_cmd.cc: `veille users add|list|remove`, `veille tokens
// create|list|revoke` and `veille audit`: the accounts that may use
// `veille serve`, their API tokens, and the log of what they did.
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "veille/accounts.h"
#include "veille/archive.h"
#include "veille/auth.h"

namespace veille::cli {

namespace {

using nlohmann::json;

// Who ran the command, for the audit log: the command line has no account,
// so the entry names the operating-system user.
std::string CliActor() {
  if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name)
    return std::string("cli:") + pw->pw_name;
  return "cli:uid" + std::to_string(geteuid());
}

// Runs `change` and writes its audit entry in one transaction.
Status Audited(Archive& a, const std::string& action, const std::string& target, const json& detail,
               const std::function<Status()>& change) {
  if (auto s = a.Begin(); !s.ok()) return s;
  Status s = change();
  if (s.ok()) {
    AuditRecord e{
        0, auth::IsoTime(auth::NowSeconds()), CliActor(), "cli", action, target, detail.dump()};
    s = AppendAudit(a, {e});
  }
  if (!s.ok()) {
    (void)a.Rollback();
    return s;
  }
  return a.Commit();
}

Result<std::unique_ptr<Archive>> OpenForAccounts(const std::string& db) {
  // Read-write: an archive made before accounts existed gets their tables.
  return Archive::Open(db, OpenMode::kReadWrite);
}

}  // namespace

Runner RegisterUsers(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string name, role = "reader";
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.require_subcommand(1);
  sub.fallthrough();
  CLI::App* add = sub.add_subcommand("add", "Add an account");
  add->add_option("name", o->name, "Account name (letters, digits, . _ @ -)")->required();
  add->add_option("--role", o->role,
                  "reader (search and read), editor (also sources and "
                  "corrections) or admin (also users)")
      ->capture_default_str();
  CLI::App* list = sub.add_subcommand("list", "List the accounts");
  list->add_flag("--json", o->json, "Print JSON");
  CLI::App* remove = sub.add_subcommand("remove", "Remove an account and its tokens");
  remove->add_option("name", o->name, "Account name")->required();
  return [o, &common, add, remove]() -> int {
    if (common.db.empty()) return Fail(Error::InvalidArgument("--db is empty"));
    auto archive = OpenForAccounts(common.db);
    if (!archive.ok()) return Fail(archive.error());
    Archive& a = **archive;
    if (add->parsed()) {
      if (!auth::IsValidUserName(o->name))
        return Fail(Error::InvalidArgument(
            "bad account name: 1 to 64 letters, digits, '.', '_', '@' or '-', not starting "
            "with '-' or '.'"));
      auto role = auth::ParseRole(o->role);
      if (!role.ok()) return Fail(role.error());
      Status s = Audited(a, "users add", o->name, {{"role", o->role}}, [&] {
        return AddUser(a, o->name, o->role, auth::IsoTime(auth::NowSeconds()));
      });
      if (!s.ok()) return Fail(s.error());
      std::fprintf(stderr,
                   "veille: added %s (%s); `veille serve` now asks for a token. Create one: "
                   "veille tokens create %s\n",
                   o->name.c_str(), o->role.c_str(), o->name.c_str());
      return kExitOk;
    }
    if (remove->parsed()) {
      Status s = Audited(a, "users remove", o->name, json::object(),
                         [&] { return RemoveUser(a, o->name); });
      if (!s.ok()) return Fail(s.error());
      std::fprintf(stderr, "veille: removed %s and their tokens\n", o->name.c_str());
      return kExitOk;
    }
    auto users = Users(a, auth::IsoTime(auth::NowSeconds()));
    if (!users.ok()) return Fail(users.error());
    if (o->json) {
      json out = json::array();
      for (const auto& u : *users)
        out.push_back(
            {{"name", u.name}, {"role", u.role}, {"created", u.created}, {"tokens", u.tokens}});
      std::printf("%s\n", out.dump().c_str());
      return kExitOk;
    }
    if (users->empty()) std::printf("no accounts: `veille serve` asks for no token\n");
    for (const auto& u : *users)
      std::printf("%s %-7s created %s, %llu live token%s\n", PadRight(u.name, 20).c_str(),
                  u.role.c_str(), u.created.c_str(), static_cast<unsigned long long>(u.tokens),
                  u.tokens == 1 ? "" : "s");
    return kExitOk;
  };
}

Runner RegisterTokens(CLI::App& sub, const Common& common) {
  struct Opts {
    std::string name, expires = "90d", label, id;
    std::optional<std::string> user;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.require_subcommand(1);
  sub.fallthrough();
  CLI::App* create = sub.add_subcommand("create", "Create an API token (printed once)");
  create->add_option("name", o->name, "Account the token belongs to")->required();
  create->add_option("--expires", o->expires, "Lifetime: 90d, 12h, 4w ... or never")
      ->capture_default_str();
  create->add_option("--label", o->label, "What the token is for (shown by `tokens list`)");
  CLI::App* list = sub.add_subcommand("list", "List tokens (never their secrets)");
  list->add_option("name", o->user, "Only this account's");
  list->add_flag("--json", o->json, "Print JSON");
  CLI::App* revoke = sub.add_subcommand("revoke", "Revoke a token at once (sessions end too)");
  revoke->add_option("id", o->id, "Token id (16 hex digits, from `tokens list`) or the token")
      ->required();
  return [o, &common, create, revoke]() -> int {
    auto archive = OpenForAccounts(common.db);
    if (!archive.ok()) return Fail(archive.error());
    Archive& a = **archive;
    const int64_t now = auth::NowSeconds();
    if (create->parsed()) {
      auto life = auth::ParseDuration(o->expires);
      if (!life.ok()) return Fail(life.error());
      if (o->label.size() > 200) return Fail(Error::InvalidArgument("--label: at most 200 bytes"));
      auto token = auth::MakeToken();
      if (!token.ok()) return Fail(token.error());
      TokenRecord t;
      t.id = token->id;
      t.salt = token->salt;
      t.hash = token->hash;
      if (!o->label.empty()) t.label = o->label;
      t.created = auth::IsoTime(now);
      if (*life) t.expires = auth::IsoTime(now + **life);
      json detail = {{"token", t.id}, {"expires", t.expires ? json(*t.expires) : json(nullptr)}};
      Status s =
          Audited(a, "tokens create", o->name, detail, [&] { return AddToken(a, o->name, t); });
      if (!s.ok()) return Fail(s.error());
      // The token alone on stdout (TOKEN=$(veille tokens create NAME)); the
      // rest on stderr.
      std::printf("%s\n", token->text.c_str());
      std::fprintf(stderr, "veille: token %s for %s, %s; it is shown only this once\n",
                   t.id.c_str(), o->name.c_str(),
                   t.expires ? ("expires " + *t.expires).c_str() : "never expires");
      return kExitOk;
    }
    if (revoke->parsed()) {
      std::string id = o->id;
      if (auto parts = auth::SplitToken(id)) id = std::string(parts->id);
      Status s = Audited(a, "tokens revoke", id, json::object(),
                         [&] { return RevokeToken(a, id, auth::IsoTime(now)); });
      if (!s.ok()) return Fail(s.error());
      std::fprintf(stderr, "veille: revoked token %s\n", id.c_str());
      return kExitOk;
    }
    auto tokens = Tokens(a, o->user);
    if (!tokens.ok()) return Fail(tokens.error());
    const std::string now_text = auth::IsoTime(now);
    auto state = [&](const TokenRecord& t) {
      if (t.revoked) return std::string("revoked ") + *t.revoked;
      if (t.expires && *t.expires <= now_text) return "expired " + *t.expires;
      return t.expires ? "expires " + *t.expires : std::string("never expires");
    };
    if (o->json) {
      json out = json::array();
      for (const auto& t : *tokens)
        out.push_back({{"id", t.id},
                       {"user", t.user},
                       {"role", t.role},
                       {"label", t.label ? json(*t.label) : json(nullptr)},
                       {"created", t.created},
                       {"expires", t.expires ? json(*t.expires) : json(nullptr)},
                       {"revoked", t.revoked ? json(*t.revoked) : json(nullptr)}});
      std::printf("%s\n", out.dump().c_str());
      return kExitOk;
    }
    for (const auto& t : *tokens)
      std::printf("%s %s created %s, %s%s\n", t.id.c_str(), PadRight(t.user, 16).c_str(),
                  t.created.c_str(), state(t).c_str(), t.label ? (" — " + *t.label).c_str() : "");
    return kExitOk;
  };
}

Runner RegisterAudit(CLI::App& sub, const Common& common) {
  struct Opts {
    AuditQuery q;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--user", o->q.user, "Only this account's entries");
  sub.add_option("--since", o->q.since,
                 "From this time on: 2024-05, 2024-05-14T10, or 7d, 12h ago");
  sub.add_option("--until", o->q.until, "Up to this time (a prefix of the timestamp, inclusive)");
  sub.add_option("--action", o->q.action,
                 "Only this action ('GET /api/search'); 'GET *' for a prefix");
  sub.add_option("--limit", o->q.limit, "The most recent N entries")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000000));
  sub.add_flag("--json", o->json, "One JSON object a line");
  return [o, &common]() -> int {
    AuditQuery q = o->q;
    if (q.since && !q.since->empty() && q.since->back() >= 'a') {
      auto d = auth::ParseDuration(*q.since);
      if (!d.ok() || !*d)
        return Fail(Error::InvalidArgument("--since: a date, a time, or 7d / 12h"));
      q.since = auth::IsoTime(auth::NowSeconds() - **d);
    }
    auto archive = Archive::Open(common.db, OpenMode::kReadOnly);
    if (!archive.ok()) return Fail(archive.error());
    auto has = HasAccounts(**archive);
    if (!has.ok()) return Fail(has.error());
    auto entries = ReadAudit(**archive, q);
    if (!entries.ok()) {
      // An archive from before accounts existed has no log to read.
      if (!*has) return kExitOk;
      return Fail(entries.error());
    }
    for (const auto& e : *entries) {
      if (o->json) {
        json detail = json::parse(e.detail, nullptr, false);
        std::printf("%s\n", json{{"id", e.id},
                                 {"at", e.at},
                                 {"user", e.user},
                                 {"address", e.address},
                                 {"action", e.action},
                                 {"target", e.target},
                                 {"detail", detail.is_discarded() ? json(nullptr) : detail}}
                                .dump(-1, ' ', false, json::error_handler_t::replace)
                                .c_str());
      } else {
        std::string line = fmt::format("{} {} {} {} {}", e.at, e.user.empty() ? "-" : e.user,
                                       e.address, e.action, e.target);
        if (!e.detail.empty() && e.detail != "{}") line += " " + e.detail;
        // What clients sent must not reach the terminal as escape sequences.
        for (char& c : line)
          if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
        std::printf("%s\n", line.c_str());
      }
    }
    return kExitOk;
  };
}

}  // namespace veille::cli
