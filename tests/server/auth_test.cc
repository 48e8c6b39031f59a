// Tests of authentication in `veille serve`: each role on each route,
// expired and revoked tokens, sessions and their cookie, security headers,
// the audit log, listening beyond loopback, and the limits on failed
// attempts (with a second client address, 127.0.0.2).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/api.h"
#include "server/server_helpers.h"
#include "veille/server.h"

namespace veille {
namespace {

using nlohmann::json;
using testing::Bearer;
using testing::RawClient;
using testing::RawResponse;
using testing::TestArchive;

std::unique_ptr<Server> StartServer(const TestArchive& t, ServerOptions o = {}) {
  o.db = t.db;
  o.port = 0;
  o.threads = 4;
  o.web_dir = t.web();
  if (!o.log) o.log = [](std::string_view) {};
  auto s = Server::Start(o);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return s.ok() ? std::move(*s) : nullptr;
}

// A path that reaches route `e` (an id for routes ending in '/').
std::string PathOf(const server::Endpoint& e) {
  std::string p(e.path);
  if (p.back() == '/') p += "fr-1";
  return p;
}

class AuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    archive_ = new TestArchive("auth");
    reader_ = new std::string(archive_->AddAccount("rita", "reader"));
    editor_ = new std::string(archive_->AddAccount("ed", "editor"));
    admin_ = new std::string(archive_->AddAccount("ada", "admin"));
    expired_ = new std::string(archive_->AddAccount("rita", "reader", "2020-01-01T00:00:00Z"));
    revoked_ = new std::string(archive_->AddAccount("rita", "reader", std::nullopt, true));
    ServerOptions o;
    // This suite refuses many credentials on purpose: the limits are tested
    // apart, with their defaults.
    o.limits.failures_per_address_burst = 100000;
    o.limits.failures_per_account_burst = 100000;
    server_ = StartServer(*archive_, o).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    for (auto* s : {reader_, editor_, admin_, expired_, revoked_}) delete s;
    delete archive_;
  }
  static int port() { return server_->port(); }

  static TestArchive* archive_;
  static std::string *reader_, *editor_, *admin_, *expired_, *revoked_;
  static Server* server_;
};

TestArchive* AuthTest::archive_ = nullptr;
std::string *AuthTest::reader_, *AuthTest::editor_, *AuthTest::admin_, *AuthTest::expired_,
    *AuthTest::revoked_;
Server* AuthTest::server_ = nullptr;

TEST_F(AuthTest, EveryRouteChecksItsRole) {
  ASSERT_TRUE(server_->auth_on());
  struct Who {
    const char* name;
    std::string header;
    int level;  // 0: no account
  };
  const std::vector<Who> who = {
      {"nobody", "", 0},
      {"malformed", "Authorization: Basic cml0YTpyaXRh\r\n", 0},
      {"unknown token", Bearer("veille_0123456789abcdef_" + std::string(43, 'A')), 0},
      {"garbage token", Bearer("letmein"), 0},
      {"expired", Bearer(*expired_), 0},
      {"revoked", Bearer(*revoked_), 0},
      {"reader", Bearer(*reader_), 1},
      {"editor", Bearer(*editor_), 2},
      {"admin", Bearer(*admin_), 3},
  };
  RawClient c(port());
  ASSERT_TRUE(c.ok());
  int checked = 0;
  for (const auto& e : server::Endpoints()) {
    const int need = e.access.is_public() ? 0 : static_cast<int>(e.access.role());
    for (const auto& w : who) {
      std::string headers = w.header;
      std::string body;
      if (e.method == "POST") {
        headers += "Content-Type: application/json\r\n";
        body = "{}";
      }
      RawResponse r = c.Request(std::string(e.method), PathOf(e), headers, body);
      const std::string where = std::string(e.method) + " " + PathOf(e) + " as " + w.name;
      ASSERT_NE(r.status, 0) << where;
      if (e.access.is_public()) {
        EXPECT_NE(r.status, 401) << where;
        EXPECT_NE(r.status, 403) << where;
      } else if (w.level == 0) {
        EXPECT_EQ(r.status, 401) << where << " " << r.body;
        EXPECT_EQ(r.Header("www-authenticate"), "Bearer realm=\"veille\"") << where;
      } else if (w.level < need) {
        EXPECT_EQ(r.status, 403) << where << " " << r.body;
      } else {
        EXPECT_NE(r.status, 401) << where << " " << r.body;
        EXPECT_NE(r.status, 403) << where << " " << r.body;
        EXPECT_LT(r.status, 500) << where << " " << r.body;
      }
      // Nothing about the archive, the route list or the token leaks.
      if (r.status == 401 || r.status == 403) {
        auto j = json::parse(r.body, nullptr, false);
        ASSERT_TRUE(j.is_object()) << where;
        std::string m = j["error"]["message"];
        EXPECT_EQ(m.find("/api/"), std::string::npos) << where << ": " << m;
        EXPECT_EQ(m.find("fr-1"), std::string::npos) << where << ": " << m;
        EXPECT_EQ(r.body.find("Dockers"), std::string::npos) << where;
        if (w.header.size() > 30) {
          EXPECT_EQ(r.body.find(w.header.substr(22, 30)), std::string::npos) << where;
        }
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 9 * 12);
  // Unknown routes say 401 too: strangers do not get the list of routes.
  RawResponse r = c.Request("GET", "/api/nothing");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body.find("/api/search"), std::string::npos) << r.body;
  r = c.Request("GET", "/api/nothing", Bearer(*reader_));
  EXPECT_EQ(r.status, 404);
  // Parameters are checked after the role: an unknown parameter gives 401.
  EXPECT_EQ(c.Request("GET", "/api/search?zzz=1").status, 401);
  EXPECT_EQ(c.Request("GET", "/api/search?zzz=1", Bearer(*reader_)).status, 400);
}

TEST_F(AuthTest, ExpiredAndRevokedTokensSaySo) {
  RawClient c(port());
  auto message = [&](const std::string& token) {
    RawResponse r = c.Request("GET", "/api/stats", Bearer(token));
    EXPECT_EQ(r.status, 401);
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() ? j["error"]["message"].get<std::string>() : std::string();
  };
  EXPECT_EQ(message(*expired_), "token expired");
  EXPECT_EQ(message(*revoked_), "token revoked");
  // A wrong secret or an unknown id: the same words, whatever exists.
  std::string wrong = *reader_;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(message(wrong), "invalid token");
  EXPECT_EQ(message("veille_0123456789abcdef_" + std::string(43, 'A')), "invalid token");
  // Revoking takes effect on the next request.
  std::string token = archive_->AddAccount("rita", "reader");
  EXPECT_EQ(c.Request("GET", "/api/stats", Bearer(token)).status, 200);
  ASSERT_TRUE(archive_->Revoke(token));
  EXPECT_EQ(message(token), "token revoked");
}

TEST_F(AuthTest, LoginGivesAStrictHttpOnlyCookieThatEndsWithItsToken) {
  std::string token = archive_->AddAccount("ed", "editor");
  RawClient c(port());
  const std::string json_type = "Content-Type: application/json\r\n";
  // The login form's JSON only, and from this origin.
  EXPECT_EQ(c.Request("POST", "/api/login", "Content-Type: application/x-www-form-urlencoded\r\n",
                      "token=" + token)
                .status,
            415);
  EXPECT_EQ(c.Request("POST", "/api/login", json_type + "Origin: http://evil.example\r\n",
                      json{{"token", token}}.dump())
                .status,
            403);
  EXPECT_EQ(c.Request("POST", "/api/login", json_type, "{\"token\": \"nope\"}").status, 401);
  EXPECT_EQ(c.Request("POST", "/api/login", json_type, "[]").status, 400);
  RawResponse r = c.Request("POST", "/api/login",
                            json_type + "Origin: http://127.0.0.1\r\n",  // Host: 127.0.0.1
                            json{{"token", token}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  auto me = json::parse(r.body);
  EXPECT_EQ(me["user"], "ed");
  EXPECT_EQ(me["role"], "editor");
  std::string cookie = r.Header("set-cookie");
  EXPECT_TRUE(cookie.starts_with("veille_session=")) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain HTTP: " << cookie;
  EXPECT_EQ(cookie.find(token), std::string::npos) << "the cookie is not the token";
  const std::string session = cookie.substr(0, cookie.find(';'));
  const std::string with_cookie = "Cookie: lang=fr; " + session + "\r\n";

  r = c.Request("GET", "/api/search?q=dockers", with_cookie);
  EXPECT_EQ(r.status, 200) << r.body;
  r = c.Request("GET", "/api/me", with_cookie);
  EXPECT_EQ(json::parse(r.body)["user"], "ed");
  EXPECT_EQ(c.Request("GET", "/api/users", with_cookie).status, 403);  // editor < admin
  // A session is as good as its token: revoking the token ends it.
  ASSERT_TRUE(archive_->Revoke(token));
  r = c.Request("GET", "/api/search?q=dockers", with_cookie);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("session ended"), std::string::npos) << r.body;
  EXPECT_NE(r.Header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(c.Request("GET", "/api/search?q=dockers", with_cookie).status, 401);

  // Logout ends a session at once.
  std::string token2 = archive_->AddAccount("ed", "editor");
  r = c.Request("POST", "/api/login", json_type, json{{"token", token2}}.dump());
  ASSERT_EQ(r.status, 200);
  std::string session2 = r.Header("set-cookie").substr(0, r.Header("set-cookie").find(';'));
  EXPECT_EQ(c.Request("GET", "/api/stats", "Cookie: " + session2 + "\r\n").status, 200);
  r = c.Request("POST", "/api/logout", json_type + "Cookie: " + session2 + "\r\n", "{}");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.Header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(c.Request("GET", "/api/stats", "Cookie: " + session2 + "\r\n").status, 401);
  // A made-up session id is refused, and its cookie cleared.
  r = c.Request("GET", "/api/stats", "Cookie: veille_session=" + std::string(43, 'x') + "\r\n");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.Header("set-cookie").find("Max-Age=0"), std::string::npos);
}

TEST_F(AuthTest, SecurityHeadersOnEveryAnswer) {
  RawClient c(port());
  std::vector<std::pair<std::string, RawResponse>> answers;
  for (std::string target : {"/", "/app.js", "/missing.js", "/?q=kaboul", "/api/stats", "/api/x"})
    answers.emplace_back(target, c.Request("GET", target));
  answers.emplace_back("stats as reader", c.Request("GET", "/api/stats", Bearer(*reader_)));
  answers.emplace_back("search as reader",
                       c.Request("GET", "/api/search?q=dockers", Bearer(*reader_)));
  answers.emplace_back("bad param", c.Request("GET", "/api/search?x=1", Bearer(*reader_)));
  answers.emplace_back("forbidden", c.Request("GET", "/api/audit", Bearer(*reader_)));
  answers.emplace_back("method", c.Request("DELETE", "/"));
  answers.emplace_back("head", c.Request("HEAD", "/api/stats", Bearer(*reader_)));
  {
    // Refused by the event loop before the HTTP library sees it.
    RawClient bad(port());
    bad.Send("GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
    answers.emplace_back("framing", bad.Read());
    RawClient big(port());
    std::string many;
    for (int i = 0; i < 200; ++i) many += "X-H" + std::to_string(i) + ": 1\r\n";
    big.Send("GET / HTTP/1.1\r\nHost: x\r\n" + many + "\r\n");
    answers.emplace_back("too many headers", big.Read());
  }
  for (const auto& [what, r] : answers) {
    ASSERT_NE(r.status, 0) << what;
    std::string csp = r.Header("content-security-policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << what << ": " << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << what;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << what;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << what;
    EXPECT_EQ(r.Header("x-content-type-options"), "nosniff") << what;
    EXPECT_EQ(r.Header("referrer-policy"), "no-referrer") << what;
    EXPECT_EQ(r.Header("x-frame-options"), "DENY") << what;
    if (what.find("api") != std::string::npos || what.find("reader") != std::string::npos ||
        what == "bad param" || what == "forbidden" || what == "head" || what == "framing" ||
        what == "too many headers") {
      EXPECT_EQ(r.Header("cache-control"), "no-store") << what;
    }
  }
  EXPECT_EQ(answers[6].second.status, 200);
  EXPECT_EQ(answers[10].second.status, 405);
  EXPECT_EQ(answers[12].second.status, 400);
  EXPECT_EQ(answers[13].second.status, 431);
}

TEST_F(AuthTest, PlainUrlsOpenTheUi) {
  RawClient c(port());
  auto location = [&](const std::string& target) {
    RawResponse r = c.Request("GET", target);
    EXPECT_EQ(r.status, 302) << target;
    return r.Header("location");
  };
  EXPECT_EQ(location("/?q=kaboul"), "/#/search?q=kaboul");
  // (parameters in name order: the HTTP library keeps them sorted)
  EXPECT_EQ(location("/search?q=kaboul%20talibans&lang=fr"),
            "/#/search?lang=fr&q=kaboul%20talibans");
  EXPECT_EQ(location("/search"), "/#/search");
  EXPECT_EQ(location("/quotes?speaker=Kabulov"), "/#/quotes?speaker=Kabulov");
  EXPECT_EQ(location("/article/fr-1"), "/#/article/fr-1");
  EXPECT_EQ(location("/entity/S%C3%A8te"), "/#/entity/S%C3%A8te");
  EXPECT_EQ(location("/?q=%22a%20b%22"), "/#/search?q=%22a%20b%22");
  // The UI's own files and their safety are unchanged.
  EXPECT_EQ(c.Request("GET", "/").status, 200);
  EXPECT_EQ(c.Request("GET", "/app.js?x=1").status, 400);
  EXPECT_EQ(c.Request("GET", "/a/../b").status, 400);
  EXPECT_EQ(c.Request("GET", "/.git/config").status, 404);
  EXPECT_EQ(c.Request("GET", "/.hidden").status, 404);
}

TEST_F(AuthTest, AuditLogRecordsWhoDidWhat) {
  std::string token = archive_->AddAccount("audra", "admin");
  RawClient c(port(), "127.0.0.2");
  ASSERT_EQ(c.Request("GET", "/api/search?q=grève&lang=fr", Bearer(token)).status, 200);
  ASSERT_EQ(c.Request("GET", "/api/articles/fr-2", Bearer(token)).status, 200);
  ASSERT_EQ(c.Request("GET", "/api/audit?user=audra", Bearer(token)).status, 200);
  RawClient r2(port());
  std::string rita = archive_->AddAccount("rita", "reader");
  ASSERT_EQ(r2.Request("GET", "/api/users", Bearer(rita)).status, 403);
  server_->FlushAudit();
  std::vector<AuditRecord> mine, refused;
  for (auto& e : archive_->Audit()) {
    if (e.user == "audra") mine.push_back(e);
    if (e.user == "rita" && e.detail.find("403") != std::string::npos) refused.push_back(e);
  }
  ASSERT_EQ(mine.size(), 3u);
  EXPECT_EQ(mine[0].action, "GET /api/search");
  EXPECT_EQ(mine[0].target, "grève");
  EXPECT_EQ(mine[0].address, "127.0.0.2");
  EXPECT_EQ(json::parse(mine[0].detail)["lang"], "fr");
  EXPECT_EQ(mine[1].action, "GET /api/articles/{id}");
  EXPECT_EQ(mine[1].target, "fr-2");
  EXPECT_EQ(mine[2].action, "GET /api/audit");
  ASSERT_FALSE(refused.empty());
  EXPECT_EQ(refused.back().action, "GET /api/users");
  // Refused credentials are logged with the reason, from the address.
  RawClient r3(port(), "127.0.0.3");
  ASSERT_EQ(r3.Request("GET", "/api/stats", Bearer(*expired_)).status, 401);
  server_->FlushAudit();
  bool logged = false;
  for (auto& e : archive_->Audit())
    logged |= e.action == "auth refused" && e.address == "127.0.0.3" &&
              e.target == "/api/stats" && e.detail.find("token expired") != std::string::npos;
  EXPECT_TRUE(logged);
  // The log is readable through the API by admins, oldest first.
  RawResponse r =
      c.Request("GET", "/api/audit?user=audra&action=GET%20/api/articles/%7Bid%7D", Bearer(token));
  auto j = json::parse(r.body);
  ASSERT_EQ(j["entries"].size(), 1u) << r.body;
  EXPECT_EQ(j["entries"][0]["target"], "fr-2");
  // No token text is ever logged.
  for (auto& e : archive_->Audit())
    for (const std::string* t : {reader_, editor_, admin_, &token, &rita}) {
      EXPECT_EQ(e.detail.find(t->substr(24)), std::string::npos);
      EXPECT_EQ(e.target.find(t->substr(24)), std::string::npos);
    }
}

TEST(ServerBindTest, BeyondLoopbackOnlyWithAuthenticationOrTheFlag) {
  TestArchive t("bind");
  ServerOptions o;
  o.bind = "0.0.0.0";
  o.db = t.db;
  o.port = 0;
  o.web_dir = t.web();
  o.log = [](std::string_view) {};
  auto refused = Server::Start(o);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Error::Code::kInvalidArgument);
  EXPECT_NE(refused.error().message.find("--insecure-no-auth"), std::string::npos);
  // Loopback needs nothing (127.0.0.0/8 and ::1 are loopback).
  for (const char* lo : {"127.0.0.1", "127.0.0.2", "localhost"}) {
    ServerOptions l = o;
    l.bind = lo;
    auto s = Server::Start(l);
    EXPECT_TRUE(s.ok()) << lo << ": " << (s.ok() ? "" : s.error().message);
  }
  {
    ServerOptions l = o;
    l.insecure_no_auth = true;
    auto s = Server::Start(l);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_FALSE((*s)->auth_on());
    RawClient c((*s)->port());
    EXPECT_EQ(c.Request("GET", "/api/stats").status, 200);
  }
  std::string token = t.AddAccount("ada", "admin");
  auto s = Server::Start(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE((*s)->auth_on());
  RawClient c((*s)->port());
  EXPECT_EQ(c.Request("GET", "/api/stats").status, 401);
  EXPECT_EQ(c.Request("GET", "/api/stats", Bearer(token)).status, 200);
}

TEST(ServerAuthOnTest, AddingAnAccountClosesARunningServer) {
  TestArchive t("late");
  auto s = StartServer(t);
  ASSERT_TRUE(s);
  RawClient c(s->port());
  EXPECT_EQ(c.Request("GET", "/api/stats").status, 200);
  EXPECT_EQ(json::parse(c.Request("GET", "/api/me").body)["auth"], false);
  std::string token = t.AddAccount("ada", "admin");
  EXPECT_EQ(c.Request("GET", "/api/stats").status, 401);
  EXPECT_EQ(c.Request("GET", "/api/stats", Bearer(token)).status, 200);
  // And removing every account does not open it again.
  {
    auto a = Archive::Open(t.db, OpenMode::kReadWrite);
    ASSERT_TRUE(RemoveUser(**a, "ada").ok());
  }
  EXPECT_EQ(c.Request("GET", "/api/stats").status, 401);
}

// 200 wrong tokens from one address: evaluated at most 5 in any second
// (the default limits: a burst of 5, then one every 2 s), the others answered
// 429 at once; meanwhile the right token works from another address.
TEST(RateLimitTest, WrongTokensFromOneAddressAreSlowedNotTheOthers) {
  TestArchive t("limits");
  const std::string token = t.AddAccount("rita", "reader");
  auto s = StartServer(t);
  ASSERT_TRUE(s);
  RawClient attacker(s->port(), "127.0.0.1");
  RawClient owner(s->port(), "127.0.0.2");
  ASSERT_TRUE(attacker.ok() && owner.ok());
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  std::vector<double> evaluated;  // seconds since t0
  int limited = 0, owner_ok = 0;
  for (int i = 0; i < 200; ++i) {
    // Random wrong tokens (unknown ids: no account is named).
    auto guess = auth::MakeToken();
    RawResponse r = attacker.Request("GET", "/api/stats", Bearer(guess->text));
    double at = std::chrono::duration<double>(Clock::now() - t0).count();
    if (r.status == 401) evaluated.push_back(at);
    if (r.status == 429) {
      ++limited;
      EXPECT_FALSE(r.Header("retry-after").empty());
    }
    ASSERT_TRUE(r.status == 401 || r.status == 429) << r.status;
    if (i % 40 == 0 && owner.Request("GET", "/api/stats", Bearer(token)).status == 200) ++owner_ok;
    // The guesser keeps going for a few seconds, as fast as answers come.
    if (i == 150) std::this_thread::sleep_for(std::chrono::seconds(3));
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  size_t worst = 0;  // most evaluated in any one-second window
  for (size_t i = 0; i < evaluated.size(); ++i) {
    size_t j = i;
    while (j < evaluated.size() && evaluated[j] < evaluated[i] + 1.0) ++j;
    worst = std::max(worst, j - i);
  }
  std::printf(
      "200 wrong tokens in %.2f s: %zu evaluated (at most %zu in any second), %d refused "
      "unevaluated (429); the right token from 127.0.0.2: %d/5 answered 200\n",
      elapsed, evaluated.size(), worst, limited, owner_ok);
  EXPECT_LE(worst, 5u);
  EXPECT_LE(evaluated.size(), 5 + static_cast<size_t>(0.5 * elapsed) + 1);
  EXPECT_EQ(owner_ok, 5);
  // The limited address is refused even with the right token (it is not
  // evaluated), until its bucket refills.
  EXPECT_EQ(attacker.Request("GET", "/api/stats", Bearer(token)).status, 429);
}

// Wrong secrets for a real token id, from one address: the account's limit
// stops them from other addresses too, except where the owner has logged in.
TEST(RateLimitTest, AnAccountUnderAttackStaysOpenWhereItsOwnerWorks) {
  TestArchive t("account");
  const std::string token = t.AddAccount("rita", "reader");
  ServerOptions o;
  o.limits.failures_per_address_burst = 1000;  // only the account's limit here
  auto s = StartServer(t, o);
  ASSERT_TRUE(s);
  RawClient owner(s->port(), "127.0.0.2");
  ASSERT_EQ(owner.Request("GET", "/api/stats", Bearer(token)).status, 200);
  std::string wrong = token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  RawClient attacker(s->port(), "127.0.0.3");
  int evaluated = 0;
  for (int i = 0; i < 50; ++i)
    if (attacker.Request("GET", "/api/stats", Bearer(wrong)).status == 401) ++evaluated;
  EXPECT_LE(evaluated, 11);
  EXPECT_EQ(owner.Request("GET", "/api/stats", Bearer(token)).status, 200);
  RawClient stranger(s->port(), "127.0.0.4");
  EXPECT_EQ(stranger.Request("GET", "/api/stats", Bearer(token)).status, 429);
  // Other accounts are not affected.
  const std::string other = t.AddAccount("ed", "editor");
  EXPECT_EQ(stranger.Request("GET", "/api/stats", Bearer(other)).status, 200);
}

TEST(TrustedProxyTest, ForwardedAddressOnlyFromTheProxy) {
  TestArchive t("proxy");
  const std::string token = t.AddAccount("rita", "reader");
  ServerOptions o;
  o.trusted_proxies = {"127.0.0.5"};
  auto s = StartServer(t, o);
  ASSERT_TRUE(s);
  RawClient proxy(s->port(), "127.0.0.5");
  RawClient direct(s->port(), "127.0.0.6");
  const std::string fwd = "X-Forwarded-For: 10.9.9.9, 203.0.113.7\r\nX-Forwarded-Proto: https\r\n";
  ASSERT_EQ(proxy.Request("GET", "/api/search?q=dockers", fwd + Bearer(token)).status, 200);
  ASSERT_EQ(direct.Request("GET", "/api/search?q=port", fwd + Bearer(token)).status, 200);
  // Behind the proxy, a login cookie is Secure (the proxy speaks TLS).
  RawResponse login =
      proxy.Request("POST", "/api/login", fwd + "Content-Type: application/json\r\n",
                    json{{"token", token}}.dump());
  EXPECT_NE(login.Header("set-cookie").find("; Secure"), std::string::npos);
  EXPECT_EQ(login.Header("strict-transport-security"), "max-age=31536000");
  s->FlushAudit();
  std::map<std::string, std::string> by_target;
  for (auto& e : t.Audit()) by_target[e.target] = e.address;
  EXPECT_EQ(by_target["dockers"], "203.0.113.7");  // the proxy's client, not what it was told
  EXPECT_EQ(by_target["port"], "127.0.0.6");       // not a proxy: its header is ignored
}

}  // namespace
}  // namespace veille
