// Tests of veille/auth.h: tokens and their hashes, credential headers,
// failed-attempt limits and sessions.
#include "veille/auth.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <set>

namespace veille::auth {
namespace {

TEST(RoleTest, NamesOrderAndParsing) {
  for (Role r : {Role::kReader, Role::kEditor, Role::kAdmin}) EXPECT_EQ(*ParseRole(RoleName(r)), r);
  EXPECT_FALSE(ParseRole("root").ok());
  EXPECT_FALSE(ParseRole("Admin").ok());
  EXPECT_FALSE(ParseRole("").ok());
  EXPECT_TRUE(Allows(Role::kAdmin, Role::kReader));
  EXPECT_TRUE(Allows(Role::kEditor, Role::kEditor));
  EXPECT_FALSE(Allows(Role::kReader, Role::kEditor));
  EXPECT_FALSE(Allows(Role::kEditor, Role::kAdmin));
}

TEST(UserNameTest, Accepted) {
  for (const char* ok : {"alice", "a", "marie.lefort", "j_doe-2", "desk@paris"})
    EXPECT_TRUE(IsValidUserName(ok)) << ok;
  for (std::string bad :
       std::vector<std::string>{"", "-x", ".x", "a b", "é", "a/b", "a\nb", std::string(65, 'a')})
    EXPECT_FALSE(IsValidUserName(bad)) << bad;
}

TEST(TokenTest, ShapeAndRoundTrip) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto t = MakeToken();
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ(t->id.size(), kTokenIdHexChars);
    EXPECT_EQ(t->salt.size(), kSaltBytes);
    EXPECT_EQ(t->hash.size(), 32u);
    EXPECT_TRUE(t->text.starts_with("veille_" + t->id + "_")) << t->text;
    EXPECT_TRUE(seen.insert(t->text).second);
    auto parts = SplitToken(t->text);
    ASSERT_TRUE(parts) << t->text;
    EXPECT_EQ(parts->id, t->id);
    EXPECT_TRUE(VerifySecret(t->salt, t->hash, parts->secret));
    // The stored hash is not the secret, and another salt gives another hash.
    EXPECT_EQ(t->hash.find(parts->secret), std::string::npos);
    EXPECT_NE(HashSecret("other salt 12345", parts->secret), t->hash);
    std::string wrong(parts->secret);
    wrong[wrong.size() / 2] = wrong[wrong.size() / 2] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(VerifySecret(t->salt, t->hash, wrong));
    EXPECT_FALSE(VerifySecret(t->salt, t->hash, ""));
    EXPECT_FALSE(VerifySecret(t->salt, "", parts->secret));
  }
}

TEST(TokenTest, RandomBytesLookRandom) {
  auto a = RandomBytes(4096);
  ASSERT_TRUE(a.ok());
  int counts[256] = {};
  for (unsigned char c : *a) counts[c]++;
  // 16 expected per value; a broken generator (zeros, a counter) fails this.
  for (int n : counts) EXPECT_LT(n, 60);
  EXPECT_NE(*a, *RandomBytes(4096));
}

TEST(TokenTest, SplitRejectsMalformed) {
  auto t = MakeToken();
  ASSERT_TRUE(t.ok());
  const std::string good = t->text;
  std::vector<std::string> bad = {"",
                                  "veille_",
                                  good.substr(1),
                                  good + "x",
                                  good.substr(0, good.size() - 1),
                                  "Veille_" + good.substr(7),
                                  good.substr(0, 7) + "G" + good.substr(8),    // not hex
                                  good.substr(0, 7) + "A" + good.substr(8),    // uppercase hex
                                  good.substr(0, 23) + "-" + good.substr(24),  // separator
                                  good.substr(0, 30) + "=" + good.substr(31),
                                  good.substr(0, 30) + " " + good.substr(31),
                                  std::string(good.size(), '_')};
  for (const auto& b : bad) EXPECT_FALSE(SplitToken(b)) << b;
}

TEST(ConstantTimeTest, Equality) {
  EXPECT_TRUE(ConstantTimeEqual("", ""));
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEqual(std::string("a\0b", 3), std::string("a\0c", 3)));
}

// The time to reject a secret must not tell how much of it was right. The
// secret is hashed before the comparison (so a prefix of the secret is no
// prefix of the hash), and the hashes are compared with CRYPTO_memcmp.
// Measured as the minimum over many interleaved rounds (the least disturbed
// run); the assertion is loose so that a loaded machine does not fail it,
// and the figures are printed.
TEST(ConstantTimeTest, RejectionTimeDoesNotDependOnWhereSecretsDiffer) {
  auto t = MakeToken();
  ASSERT_TRUE(t.ok());
  std::string secret(SplitToken(t->text)->secret);
  std::string first = secret, last = secret;
  first[0] = first[0] == 'A' ? 'B' : 'A';
  last.back() = last.back() == 'A' ? 'B' : 'A';
  // And the comparison alone, on hashes that differ in the first or last byte.
  std::string h1 = t->hash, h2 = t->hash;
  h1[0] ^= 1;
  h2.back() ^= 1;
  using Clock = std::chrono::steady_clock;
  auto time = [](auto&& fn) {
    auto t0 = Clock::now();
    for (int i = 0; i < 2000; ++i) fn();
    return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / 2000;
  };
  double best_first = 1e18, best_last = 1e18, cmp_first = 1e18, cmp_last = 1e18;
  volatile bool sink = false;
  for (int round = 0; round < 40; ++round) {
    best_first = std::min(best_first, time([&] { sink = VerifySecret(t->salt, t->hash, first); }));
    best_last = std::min(best_last, time([&] { sink = VerifySecret(t->salt, t->hash, last); }));
    cmp_first = std::min(cmp_first, time([&] { sink = ConstantTimeEqual(t->hash, h1); }));
    cmp_last = std::min(cmp_last, time([&] { sink = ConstantTimeEqual(t->hash, h2); }));
  }
  (void)sink;
  std::printf(
      "verify: first byte wrong %.1f ns, last byte wrong %.1f ns; "
      "compare: first %.2f ns, last %.2f ns\n",
      best_first, best_last, cmp_first, cmp_last);
  EXPECT_LT(best_first / best_last, 2.0);
  EXPECT_LT(best_last / best_first, 2.0);
  EXPECT_LT(cmp_first / cmp_last, 2.0);
  EXPECT_LT(cmp_last / cmp_first, 2.0);
}

TEST(CredentialsTest, BearerToken) {
  EXPECT_EQ(*BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(*BearerToken("bearer   abc  "), "abc");
  EXPECT_EQ(*BearerToken("BEARER abc"), "abc");
  for (const char* bad : {"", "Bearer", "Bearer ", "Bearer    ", "Basic abc", "Bearerabc",
                          "Bearer a b", "Bearer a,b", "Token abc", " Bearer abc"})
    EXPECT_FALSE(BearerToken(bad)) << bad;
}

TEST(CredentialsTest, CookieValue) {
  EXPECT_EQ(*CookieValue("veille_session=abc", "veille_session"), "abc");
  EXPECT_EQ(*CookieValue("a=1; veille_session=abc; b=2", "veille_session"), "abc");
  EXPECT_EQ(*CookieValue("a=1;veille_session=\"abc\"", "veille_session"), "abc");
  EXPECT_EQ(*CookieValue("x=1; s=", "s"), "");
  EXPECT_FALSE(CookieValue("", "s"));
  EXPECT_FALSE(CookieValue("session=abc", "s"));
  EXPECT_FALSE(CookieValue("xs=abc", "s"));
  EXPECT_FALSE(CookieValue("s", "s"));
  // The same name twice: ambiguous, so neither.
  EXPECT_FALSE(CookieValue("s=a; s=b", "s"));
}

TEST(CredentialsTest, AddressKey) {
  EXPECT_EQ(AddressKey("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(AddressKey("::ffff:10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(AddressKey("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(AddressKey("2001:db8:1:2:ffff::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(AddressKey("::1"), "::/64");
  EXPECT_EQ(AddressKey("not an address"), "not an address");
}

TEST(TimeTest, IsoAndDurations) {
  EXPECT_EQ(IsoTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(IsoTime(1715680800), "2024-05-14T10:00:00Z");
  EXPECT_EQ(**ParseDuration("90d"), 90 * 86400);
  EXPECT_EQ(**ParseDuration("12h"), 12 * 3600);
  EXPECT_EQ(**ParseDuration("30m"), 1800);
  EXPECT_EQ(**ParseDuration("2w"), 14 * 86400);
  EXPECT_EQ(**ParseDuration("5s"), 5);
  EXPECT_FALSE(ParseDuration("never")->has_value());
  for (const char* bad : {"", "d", "0d", "-1d", "1y", "1.5d", "90", "99999999999d", " 1d"})
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
}

TEST(AttemptGuardTest, BurstThenRate) {
  AttemptGuard g({5, 2}, {100, 100});
  double now = 1000;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(g.Begin("1.2.3.4", "", now), 0) << i;
  double wait = g.Begin("1.2.3.4", "", now);
  EXPECT_GT(wait, 0);
  EXPECT_LE(wait, 0.5 + 1e-9);
  // Another address is not affected.
  EXPECT_EQ(g.Begin("1.2.3.5", "", now), 0);
  // Two tries a second come back.
  EXPECT_EQ(g.Begin("1.2.3.4", "", now + 0.5), 0);
  EXPECT_GT(g.Begin("1.2.3.4", "", now + 0.5), 0);
  // Over a long flood the evaluated tries stay at burst + rate x time.
  int evaluated = 0;
  for (int i = 0; i < 2000; ++i)
    if (g.Begin("9.9.9.9", "", now + i * 0.005) == 0) ++evaluated;  // 10 s
  EXPECT_LE(evaluated, 5 + 2 * 10 + 1);
  EXPECT_GE(evaluated, 5 + 2 * 10 - 1);
}

TEST(AttemptGuardTest, SuccessGivesTheTryBack) {
  AttemptGuard g({2, 0.001}, {2, 0.001});
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(g.Begin("a", "acct", 0), 0) << i;
    g.Succeeded("a", "acct", 0);
  }
}

TEST(AttemptGuardTest, AccountLimitSparesTrustedAddresses) {
  AttemptGuard g({1000, 1000}, {3, 0.01});
  // The owner logs in from "home" once.
  ASSERT_EQ(g.Begin("home", "acct", 0), 0);
  g.Succeeded("home", "acct", 0);
  // Someone elsewhere fails on the account until it is limited ...
  for (int i = 0; i < 3; ++i) EXPECT_EQ(g.Begin("attacker", "acct", 1), 0);
  EXPECT_GT(g.Begin("attacker", "acct", 1), 0);
  EXPECT_GT(g.Begin("another", "acct", 1), 0);
  // ... and from other addresses too, but the owner's address still gets in.
  EXPECT_EQ(g.Begin("home", "acct", 1), 0);
  // Other accounts are not affected.
  EXPECT_EQ(g.Begin("attacker", "other", 1), 0);
  // Trust lasts a day.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(g.Begin("attacker", "acct", 86402), 0);
  EXPECT_GT(g.Begin("home", "acct", 86402), 0);
}

TEST(AttemptGuardTest, MemoryIsBounded) {
  AttemptGuard g({1, 0.0001}, {1, 0.0001}, 1000);
  for (int i = 0; i < 100000; ++i) g.Begin("addr" + std::to_string(i), "", i * 1e-3);
  // The newest addresses are still limited (their state was kept).
  EXPECT_GT(g.Begin("addr99999", "", 100), 0);
}

TEST(SessionStoreTest, CreateFindExpireRemove) {
  SessionStore s(100, 1000, 3);
  auto a = s.Create("tok-a", 0);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->size(), 43u);
  EXPECT_EQ(*s.Find(*a, 50), "tok-a");
  EXPECT_EQ(*s.Find(*a, 149), "tok-a");  // used at 50: idle since then
  EXPECT_FALSE(s.Find(*a, 260));         // idle too long
  auto b = s.Create("tok-b", 0);
  for (int t = 90; t < 1000; t += 90) ASSERT_TRUE(s.Find(*b, t)) << t;
  EXPECT_FALSE(s.Find(*b, 1000));  // too old, however active
  auto c = s.Create("tok-c", 0);
  std::string forged = *c;
  forged[0] = forged[0] == 'x' ? 'y' : 'x';
  EXPECT_FALSE(s.Find(forged, 1));
  EXPECT_FALSE(s.Find("", 1));
  s.Remove(*c);
  EXPECT_FALSE(s.Find(*c, 1));
  // At most three: the least recently used goes first.
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(*s.Create(std::to_string(i), 10 + i));
  EXPECT_LE(s.size(), 3u);
  EXPECT_FALSE(s.Find(ids[0], 20));
  EXPECT_TRUE(s.Find(ids[3], 20));
}

}  // namespace
}  // namespace veille::auth
