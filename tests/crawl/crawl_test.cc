// crawl_test.cc: WARC writing read back by WarcReader, robots.txt matching,
// sitemaps.
#include "veille/crawl.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "veille/warc.h"

namespace veille {
namespace {

namespace fs = std::filesystem;

class TempFolder {
 public:
  TempFolder() {
    path_ = fs::temp_directory_path() /
            ("veille_crawl_" + std::to_string(getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
  }
  ~TempFolder() { fs::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

TEST(WarcDigest, KnownSha1Base32) {
  // SHA-1("") = da39a3ee5e6b4b0d3255bfef95601890afd80709.
  EXPECT_EQ(WarcSha1Digest(""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
  EXPECT_EQ(WarcSha1Digest("abc"), "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
  std::string id = NewWarcRecordId();
  EXPECT_EQ(id.size(), 47u);
  EXPECT_EQ(id.substr(0, 10), "<urn:uuid:");
  EXPECT_NE(id, NewWarcRecordId());
}

TEST(WarcWriter, ExchangesReadBackWithOffsetsAndDigests) {
  TempFolder dir;
  WarcWriterOptions o;
  o.dir = dir.path();
  auto w = WarcWriter::Open(o);
  ASSERT_TRUE(w.ok()) << w.error().message;
  std::vector<WarcLocation> locs;
  for (int i = 0; i < 3; ++i) {
    std::string body = "<html><body><p>page " + std::to_string(i) + "</p></body></html>";
    std::string resp = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body;
    auto loc = (*w)->WriteExchange(
        "https://a.example/" + std::to_string(i), "2024-03-05T08:15:00Z",
        "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: a.example\r\n\r\n", resp, "127.0.0.1");
    ASSERT_TRUE(loc.ok()) << loc.error().message;
    locs.push_back(*loc);
  }
  std::string file = (*w)->current_file();
  w->reset();
  auto r = WarcReader::Open(file);
  ASSERT_TRUE(r.ok());
  WarcRecord rec;
  std::vector<Diagnostic> diags;
  std::vector<WarcRecord> all;
  while ((*r)->Next(&rec, &diags)) all.push_back(rec);
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(all.size(), 7u);  // warcinfo + 3 x (response, request)
  EXPECT_EQ(all[0].type(), "warcinfo");
  for (int i = 0; i < 3; ++i) {
    const WarcRecord& resp = all[1 + 2 * i];
    const WarcRecord& req = all[2 + 2 * i];
    EXPECT_EQ(resp.type(), "response");
    EXPECT_EQ(req.type(), "request");
    EXPECT_EQ(resp.offset, locs[i].offset);
    EXPECT_EQ(resp.record_id(), locs[i].record_id);
    EXPECT_EQ(FindHeader(req.headers, "WARC-Concurrent-To"), resp.record_id());
    EXPECT_EQ(FindHeader(resp.headers, "WARC-Block-Digest"), WarcSha1Digest(resp.block));
    auto http = ParseHttpResponse(resp.block);
    ASSERT_TRUE(http.ok());
    EXPECT_EQ(FindHeader(resp.headers, "WARC-Payload-Digest"), WarcSha1Digest(http->body));
    EXPECT_EQ(resp.target_uri(), "https://a.example/" + std::to_string(i));
  }
}

TEST(WarcWriter, RotatesPastTheSizeLimit) {
  TempFolder dir;
  WarcWriterOptions o;
  o.dir = dir.path();
  o.max_file_bytes = 2000;
  auto w = WarcWriter::Open(o);
  ASSERT_TRUE(w.ok());
  std::string big;  // incompressible, so that each exchange passes the limit
  uint32_t x = 12345;
  for (int i = 0; i < 3000; ++i) {
    x = x * 1103515245u + 12345u;
    big.push_back(static_cast<char>('a' + (x >> 16) % 26));
  }
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE((*w)->WriteExchange("https://a.example/", WarcDateNow(), "GET / HTTP/1.1\r\n\r\n",
                                    "HTTP/1.1 200 OK\r\n\r\n" + big + std::to_string(i))
                    .ok());
  EXPECT_EQ((*w)->files().size(), 3u);
  for (const std::string& f : (*w)->files()) {
    EXPECT_EQ(f.substr(f.size() - 8), ".warc.gz");
    EXPECT_TRUE(fs::exists(f));
  }
}

TEST(Robots, GroupsRulesWildcardsAndDelay) {
  const char* txt =
      "# comment\n"
      "User-agent: *\n"
      "Disallow: /private/\n"
      "Crawl-delay: 5\n"
      "\n"
      "User-agent: veille\n"
      "User-agent: otherbot\n"
      "Disallow: /admin\n"
      "Disallow: /*.pdf$\n"
      "Allow: /admin/public\n"
      "Disallow: /search?\n"
      "Crawl-delay: 2.5\n"
      "Sitemap: https://a.example/sitemap.xml\n";
  RobotsRules r = RobotsRules::Parse(txt, "Veille/0.1");
  EXPECT_FALSE(r.Allowed("/admin"));
  EXPECT_FALSE(r.Allowed("/admin/secret"));
  EXPECT_TRUE(r.Allowed("/admin/public/x"));
  EXPECT_FALSE(r.Allowed("/files/report.pdf"));
  EXPECT_TRUE(r.Allowed("/files/report.pdf?download=1"));  // $ anchors the end
  EXPECT_FALSE(r.Allowed("/search?q=x"));
  EXPECT_TRUE(r.Allowed("/search"));
  EXPECT_TRUE(r.Allowed("/private/x"));  // the * group does not apply to veille
  EXPECT_TRUE(r.Allowed("/robots.txt"));
  EXPECT_EQ(r.crawl_delay(), 2.5);
  EXPECT_EQ(r.sitemaps(), std::vector<std::string>{"https://a.example/sitemap.xml"});

  RobotsRules other = RobotsRules::Parse(txt, "somebot");
  EXPECT_FALSE(other.Allowed("/private/x"));
  EXPECT_TRUE(other.Allowed("/admin"));
  EXPECT_EQ(other.crawl_delay(), 5.0);

  EXPECT_TRUE(RobotsRules::Parse("", "veille").Allowed("/anything"));
  EXPECT_TRUE(RobotsRules::Parse("User-agent: *\nDisallow:\n", "veille").Allowed("/x"));
  EXPECT_FALSE(RobotsRules::Parse("User-agent: *\nDisallow: /\n", "veille").Allowed("/x"));
  EXPECT_FALSE(RobotsRules::DisallowAll().Allowed("/x"));
  // Equal length: allow wins.
  EXPECT_TRUE(RobotsRules::Parse("User-agent: *\nDisallow: /a\nAllow: /a\n", "v").Allowed("/a"));
  EXPECT_TRUE(RobotsRules::Parse("garbage\n\x01\x02:::\n", "v").Allowed("/a"));
}

TEST(Sitemap, NewsSitemapAndIndex) {
  auto s = ParseSitemap(R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://a.example/2024/03/pont.html</loc>
    <news:news><news:publication><news:name>Le Courrier</news:name><news:language>fr</news:language></news:publication>
      <news:publication_date>2024-03-05T09:30:00+01:00</news:publication_date>
      <news:title>Le pont rouvre</news:title></news:news></url>
  <url><loc> https://a.example/about </loc><lastmod>2024-01-01</lastmod></url>
  <url><lastmod>2024-01-01</lastmod></url>
</urlset>)");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(s->index);
  ASSERT_EQ(s->entries.size(), 2u);
  EXPECT_EQ(s->entries[0].news_title, "Le pont rouvre");
  EXPECT_EQ(s->entries[0].news_name, "Le Courrier");
  EXPECT_EQ(s->entries[0].news_language, "fr");
  EXPECT_EQ(s->entries[0].news_date, "2024-03-05T09:30:00+01:00");
  EXPECT_EQ(s->entries[1].loc, "https://a.example/about");
  auto idx = ParseSitemap(
      "<sitemapindex><sitemap><loc>https://a.example/s1.xml</loc></sitemap></sitemapindex>");
  ASSERT_TRUE(idx.ok());
  EXPECT_TRUE(idx->index);
  ASSERT_EQ(idx->entries.size(), 1u);
  EXPECT_FALSE(ParseSitemap("<rss></rss>").ok());
  EXPECT_FALSE(ParseSitemap("not xml").ok());
}

}  // namespace
}  // namespace veille
