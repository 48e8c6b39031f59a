// Unit and property tests of the server's path safety and parameter
// validation, without sockets.
#include "server/api.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace veille::server {
namespace {

TEST(SafeRelativePathTest, AcceptsPlainPaths) {
  EXPECT_EQ(*SafeRelativePath("/"), "index.html");
  EXPECT_EQ(*SafeRelativePath("/app.js"), "app.js");
  EXPECT_EQ(*SafeRelativePath("/css/site.css"), "css/site.css");
  EXPECT_EQ(*SafeRelativePath("/été.html"), "été.html");
}

TEST(SafeRelativePathTest, RejectsEscapes) {
  for (std::string p : std::vector<std::string>{"", "x", "/..", "/../a", "/a/../../b", "/./a",
                                                "//etc/passwd", "/a//b", "/a\\..\\b", "/a/", "/.",
                                                std::string("/a\0b", 4), "/\x01", "/\xff.html"}) {
    EXPECT_FALSE(SafeRelativePath(p).ok()) << p;
  }
  EXPECT_FALSE(SafeRelativePath("/" + std::string(1100, 'a')).ok());
}

// Property: whatever the input, an accepted path stays inside the folder it
// is joined to, lexically (symbolic links are checked when serving).
TEST(SafeRelativePathTest, AcceptedPathsStayInside) {
  std::mt19937 rng(12345);
  const std::string alphabet = "/./.\\a%\0b.";
  namespace fs = std::filesystem;
  const fs::path base = "/srv/web";
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string p = "/";
    size_t n = rng() % 12;
    for (size_t k = 0; k < n; ++k) p += alphabet[rng() % alphabet.size()];
    auto r = SafeRelativePath(p);
    if (!r.ok()) continue;
    ++accepted;
    fs::path joined = (base / *r).lexically_normal();
    auto rel = joined.lexically_relative(base);
    EXPECT_FALSE(rel.empty()) << p;
    EXPECT_NE(rel.begin()->string(), "..") << p;
    EXPECT_NE(r->front(), '/') << p;
  }
  EXPECT_GT(accepted, 100);  // the generator does produce acceptable paths
}

TEST(ValidateParamsTest, TypesRangesAndNames) {
  using K = ParamSpec::Kind;
  std::vector<ParamSpec> specs = {{"q", K::kText, true, 0, 5},
                                  {"n", K::kInt, false, 1, 10},
                                  {"d", K::kDate},
                                  {"b", K::kBool},
                                  {"t", K::kChoice, false, 0, 0, "PER LOC"}};
  auto ok = ValidateParams(
      specs, {{"q", "abc"}, {"n", "10"}, {"d", "2021-02-28"}, {"b", "0"}, {"t", "LOC"}});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*ok->Text("q"), "abc");
  EXPECT_EQ(ok->Int("n", 3), 10);
  EXPECT_EQ(ok->Int("missing", 3), 3);
  EXPECT_FALSE(ok->Bool("b", true));
  EXPECT_FALSE(ok->Text("absent"));

  auto bad = [&](RawParams raw, const std::string& part) {
    auto r = ValidateParams(specs, raw);
    ASSERT_FALSE(r.ok()) << part;
    EXPECT_EQ(r.error().code, Error::Code::kInvalidArgument);
    EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
  };
  bad({}, "missing parameter 'q'");
  bad({{"q", "abcdef"}}, "too long");
  bad({{"q", "a"}, {"n", "0"}}, "between 1 and 10");
  bad({{"q", "a"}, {"n", "11"}}, "between 1 and 10");
  bad({{"q", "a"}, {"n", " 5"}}, "whole number");
  bad({{"q", "a"}, {"n", "+5"}}, "whole number");
  bad({{"q", "a"}, {"n", "99999999999999999999"}}, "whole number");
  bad({{"q", "a"}, {"d", "2021-02-30"}}, "date");
  bad({{"q", "a"}, {"b", "yes"}}, "0 or 1");
  bad({{"q", "a"}, {"t", "PE"}}, "one of: PER LOC");
  bad({{"q", "a"}, {"zz", "1"}}, "unknown parameter 'zz'; accepted: q, n, d, b, t");
  bad({{"q", "a"}, {"q", "b"}}, "more than once");
  bad({{"q", "a\tb"}}, "control");
}

TEST(HttpStatusTest, OnePlaceMapsErrorCodes) {
  EXPECT_EQ(HttpStatusFor(Error::InvalidArgument("x")), 400);
  EXPECT_EQ(HttpStatusFor(Error::BadInput("x")), 400);
  EXPECT_EQ(HttpStatusFor(Error::NotFound("x")), 404);
  EXPECT_EQ(HttpStatusFor(Error::Database("x")), 500);
  EXPECT_EQ(HttpStatusFor(Error::Io("x")), 500);
  auto r = ErrorReply(Error::NotFound("no \"such\" thing"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":{"message":"no \"such\" thing","status":404}})");
}

TEST(ResponseCacheTest, FindsWhatWasPutUnderTheSameGeneration) {
  ResponseCache c(1 << 20);
  EXPECT_EQ(c.Find("a", 1), nullptr);
  c.Put("a", 1, "body-a");
  auto hit = c.Find("a", 1);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(*hit, "body-a");
  EXPECT_EQ(c.Find("b", 1), nullptr);
  // A newer generation (an article was stored) drops everything.
  EXPECT_EQ(c.Find("a", 2), nullptr);
  EXPECT_EQ(c.bytes(), 0u);
  // An answer computed under an older generation is not stored.
  c.Put("a", 1, "stale");
  EXPECT_EQ(c.Find("a", 2), nullptr);
  c.Put("a", 2, "fresh");
  ASSERT_NE(c.Find("a", 2), nullptr);
  EXPECT_EQ(*c.Find("a", 2), "fresh");
}

TEST(ResponseCacheTest, StaysUnderItsBudgetDroppingTheLeastRecentlyUsed) {
  const size_t budget = 64 * 1024;
  ResponseCache c(budget);
  const std::string body(1000, 'x');
  c.Put("k0", 7, body);
  for (int i = 1; i < 500; ++i) {
    c.Put("k" + std::to_string(i), 7, body);
    ASSERT_NE(c.Find("k0", 7), nullptr) << i;  // kept in use: never dropped
    EXPECT_LE(c.bytes(), budget);
  }
  EXPECT_EQ(c.Find("k1", 7), nullptr);  // the oldest unused ones went first
  EXPECT_NE(c.Find("k499", 7), nullptr);
  // One answer over an eighth of the budget is not cached at all.
  c.Put("big", 7, std::string(budget / 4, 'y'));
  EXPECT_EQ(c.Find("big", 7), nullptr);
  EXPECT_NE(c.Find("k0", 7), nullptr);
}

}  // namespace
}  // namespace veille::server
