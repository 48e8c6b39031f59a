// web_input_test.cc: InputReader and ParseRecord on saved pages, WARC files
// and feed files: which records come out, their provenance and identity, and
// the diagnostics for bad input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "read/temp_dir.h"
#include "read/warc_fixture.h"
#include "veille/read.h"

namespace veille {
namespace {

using testing::FixtureRecord;
using testing::Gzip;
using testing::HttpBlock;
using testing::NewsPage;
using testing::TempDir;
using testing::WarcBytes;

struct ReadResult {
  std::vector<InputRecord> records;
  std::vector<Diagnostic> diags;
  std::string Messages() const {
    std::string s;
    for (const auto& d : diags) s += d.where + ": " + d.message + "\n";
    return s;
  }
};

ReadResult ReadPaths(const std::vector<std::string>& paths) {
  ReadResult out;
  auto r = InputReader::Open(paths);
  EXPECT_TRUE(r.ok());
  InputRecord rec;
  while ((*r)->Next(&rec, &out.diags)) out.records.push_back(rec);
  return out;
}

FixtureRecord Response(const std::string& uri, const std::string& body,
                       const std::string& type = "text/html; charset=utf-8", int status = 200) {
  FixtureRecord r;
  r.uri = uri;
  r.block = HttpBlock(body, type, {}, status);
  return r;
}

TEST(WebInput, WarcPagesComeOutWithProvenanceAndUrlIds) {
  TempDir dir;
  std::string warc;
  std::vector<uint64_t> offsets;
  std::vector<FixtureRecord> recs;
  FixtureRecord info;
  info.type = "warcinfo";
  info.content_type = "application/warc-fields";
  info.block = "software: test\r\n";
  recs.push_back(info);
  FixtureRecord req;
  req.type = "request";
  req.uri = "https://courrier-du-val.example/a/1.html";
  req.block = "GET /a/1.html HTTP/1.1\r\n\r\n";
  recs.push_back(req);
  recs.push_back(Response("https://courrier-du-val.example/a/1.html?utm_source=x",
                          NewsPage(1, "https://courrier-du-val.example/a/1.html")));
  recs.push_back(Response("https://courrier-du-val.example/logo.png", "\x89PNG\r\n", "image/png"));
  recs.push_back(Response("https://courrier-du-val.example/old", "", "text/html", 301));
  FixtureRecord dns;
  dns.uri = "dns:courrier-du-val.example";
  dns.content_type = "text/dns";
  dns.block = "20240305 courrier-du-val.example. 300 IN A 127.0.0.1\n";
  recs.push_back(dns);
  FixtureRecord rev = Response("https://courrier-du-val.example/a/1.html", "");
  rev.type = "revisit";
  recs.push_back(rev);
  recs.push_back(Response("https://courrier-du-val.example/a/2.html", NewsPage(2, "")));
  for (size_t i = 0; i < recs.size(); ++i) {
    offsets.push_back(warc.size());
    warc += Gzip(WarcBytes(recs[i], static_cast<int>(i + 1)));
  }
  std::string path = dir.Write("crawl.warc.gz", warc);
  auto got = ReadPaths({path});
  ASSERT_EQ(got.records.size(), 2u) << got.Messages();
  const InputRecord& a = got.records[0];
  EXPECT_EQ(a.kind, InputRecord::Kind::kHtml);
  EXPECT_EQ(a.provenance.file, path);
  EXPECT_EQ(a.provenance.kind, "page");
  EXPECT_EQ(a.provenance.record_id, testing::RecordId(3));
  EXPECT_EQ(a.provenance.offset, static_cast<int64_t>(offsets[2]));
  EXPECT_EQ(a.provenance.record, 3u);
  EXPECT_EQ(a.provenance.fetch_date, "2024-03-05T08:15:00Z");
  EXPECT_EQ(a.provenance.target_uri, "https://courrier-du-val.example/a/1.html?utm_source=x");
  EXPECT_NE(a.source.find("crawl.warc.gz:record 3 @ offset " + std::to_string(offsets[2])),
            std::string::npos);
  // The counts of what was skipped, in one warning at the end of the file.
  ASSERT_EQ(got.diags.size(), 1u) << got.Messages();
  EXPECT_NE(got.diags[0].message.find("1 revisit records"), std::string::npos) << got.Messages();
  EXPECT_NE(got.diags[0].message.find("1 responses that are not pages"), std::string::npos);
  EXPECT_NE(got.diags[0].message.find("1 responses with a status other than 2xx"),
            std::string::npos);

  auto raw = ParseRecord(a);
  ASSERT_TRUE(raw.ok()) << raw.error().message;
  EXPECT_EQ(raw->id, "https://courrier-du-val.example/a/1.html");  // canonical, no tracking
  EXPECT_EQ(raw->source_group, "courrier-du-val.example");
  EXPECT_NE(raw->text.find("a adopté mardi soir"), std::string::npos);
  EXPECT_EQ(raw->provenance.record_id, testing::RecordId(3));
  auto raw2 = ParseRecord(got.records[1]);
  ASSERT_TRUE(raw2.ok());
  EXPECT_EQ(raw2->id, "https://courrier-du-val.example/a/2.html");  // no canonical: target URI
}

TEST(WebInput, BadRecordsAreReportedAndTheRestRead) {
  TempDir dir;
  std::string warc;
  warc += WarcBytes(Response("https://a.example/bin", std::string("\x89PNG\r\n\x1a\n\0\0", 10)), 1);
  FixtureRecord not_http;
  not_http.uri = "https://a.example/raw";
  not_http.block = "<html><body><p>no status line</p></body></html>";
  warc += WarcBytes(not_http, 2);
  FixtureRecord bad_len = Response("https://a.example/len", NewsPage(3, ""));
  warc += WarcBytes(bad_len, 3, static_cast<long>(bad_len.block.size()) + 25);
  warc += WarcBytes(Response("https://a.example/ok", NewsPage(4, "")), 4);
  std::string path = dir.Write("bad.warc", warc);
  auto got = ReadPaths({path});
  ASSERT_EQ(got.records.size(), 2u) << got.Messages();
  EXPECT_EQ(got.records[0].url, "https://a.example/len");
  EXPECT_EQ(got.records[1].url, "https://a.example/ok");
  std::string m = got.Messages();
  EXPECT_NE(m.find("bad.warc:record 1 @ offset 0 " + testing::RecordId(1) +
                   " https://a.example/bin: binary content (a PNG image) labelled text/html"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("record 2 @ offset"), std::string::npos);
  EXPECT_NE(m.find("not an HTTP response"), std::string::npos);
  EXPECT_NE(m.find("record 3 @ offset"), std::string::npos);
  EXPECT_NE(m.find("Content-Length"), std::string::npos);
}

TEST(WebInput, OversizedPageIsBounded) {
  TempDir dir;
  std::string big = "<html><body>" + std::string(3u << 20, 'x') + "</body></html>";
  std::string warc = WarcBytes(Response("https://a.example/big", big), 1) +
                     WarcBytes(Response("https://a.example/ok", NewsPage(1, "")), 2);
  std::string path = dir.Write("big.warc", warc);
  std::string page = dir.Write("big.html", big);
  ReadOptions opt;
  opt.max_record_bytes = 1u << 20;
  auto r = InputReader::Open({path, page}, opt);
  ASSERT_TRUE(r.ok());
  std::vector<InputRecord> recs;
  std::vector<Diagnostic> diags;
  InputRecord rec;
  while ((*r)->Next(&rec, &diags)) recs.push_back(rec);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].url, "https://a.example/ok");
  std::string m;
  for (auto& d : diags) m += d.where + ": " + d.message + "\n";
  EXPECT_NE(m.find("big.warc:record 1"), std::string::npos) << m;
  EXPECT_NE(m.find("big.html: "), std::string::npos) << m;
}

TEST(WebInput, SavedPagesAndTheirIds) {
  TempDir dir;
  std::string with =
      dir.Write("site/pont.html", NewsPage(5, "https://courrier-du-val.example/pont"));
  std::string without = dir.Write("site/marche.htm", NewsPage(6, ""));
  dir.Write("site/logo.html", std::string("\x89PNG\r\n\x1a\n", 8));
  auto got = ReadPaths({dir.path() + "/site"});
  ASSERT_EQ(got.records.size(), 2u) << got.Messages();
  EXPECT_NE(got.Messages().find("logo.html: not an HTML page: a PNG image"), std::string::npos);
  auto a = ParseRecord(got.records[0]);  // marche.htm sorts first
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->id, "marche");
  EXPECT_EQ(a->provenance.file, without);
  EXPECT_FALSE(a->provenance.fetch_date.empty());  // the file's time
  auto b = ParseRecord(got.records[1]);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->id, "https://courrier-du-val.example/pont");
  EXPECT_EQ(b->provenance.file, with);
}

constexpr char kFeed[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Le Courrier du Val</title><link>https://courrier-du-val.example/</link><language>fr</language>
<item><title>Le conseil vote le budget</title>
  <link>https://courrier-du-val.example/a/1.html?utm_source=rss&amp;utm_medium=feed</link>
  <guid isPermaLink="false">cdv-1</guid><pubDate>Tue, 05 Mar 2024 09:30:00 +0100</pubDate>
  <category>Local</category>
  <description>Le budget est adopté.</description></item>
<item><title>Le pont rouvre</title><link>https://courrier-du-val.example/a/3.html</link>
  <pubDate>Wed, 06 Mar 2024 10:00:00 +0100</pubDate>
  <content:encoded><![CDATA[<p>Le pont a rouvert lundi après huit mois de travaux.</p><p>« Enfin », dit la maire.</p>]]></content:encoded></item>
<item><title>Sans texte</title><link>https://courrier-du-val.example/a/4.html</link></item>
</channel></rss>)";

TEST(WebInput, FeedItemsBecomeArticlesWithThePageIds) {
  TempDir dir;
  std::string path = dir.Write("feeds/courrier.xml", kFeed);
  dir.Write("feeds/sitemap.xml", "<?xml version=\"1.0\"?><urlset><url/></urlset>");
  dir.Write("feeds/broken.rss", "this is not xml at all");
  auto got = ReadPaths({dir.path() + "/feeds"});
  std::string m = got.Messages();
  ASSERT_EQ(got.records.size(), 3u) << m;
  EXPECT_NE(m.find("sitemap.xml: XML file that is not an RSS or Atom feed"), std::string::npos)
      << m;
  EXPECT_NE(m.find("broken.rss: not an XML document"), std::string::npos) << m;
  const InputRecord& r = got.records[0];
  EXPECT_EQ(r.kind, InputRecord::Kind::kFeedItem);
  EXPECT_EQ(r.provenance.kind, "feed");
  EXPECT_EQ(r.provenance.record, 1u);
  EXPECT_EQ(r.provenance.record_id, "cdv-1");
  EXPECT_EQ(r.provenance.fetch_date, "2024-03-05T08:30:00Z");  // the item's date, in UTC
  auto a = ParseRecord(r);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->id, "https://courrier-du-val.example/a/1.html");  // as the page's canonical URL
  EXPECT_EQ(a->text, "Le budget est adopté.");
  EXPECT_EQ(a->flags, std::vector<std::string>{"summary-only"});
  EXPECT_EQ(a->date, "2024-03-05");
  EXPECT_EQ(a->language, "fr");
  EXPECT_EQ(a->outlet, "Le Courrier du Val");
  EXPECT_EQ(a->source_group, "courrier-du-val.example");
  EXPECT_NE(a->metadata_json.find("\"categories\":[\"Local\"]"), std::string::npos);
  auto b = ParseRecord(got.records[1]);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->flags.empty());
  EXPECT_EQ(b->text,
            "Le pont a rouvert lundi après huit mois de travaux.\n\n« Enfin », dit la maire.");
  auto c = ParseRecord(got.records[2]);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("courrier.xml:item 3"), std::string::npos);
}

TEST(WebInput, FeedCapturedInAWarcIsReadAsAFeed) {
  TempDir dir;
  std::string warc =
      WarcBytes(Response("https://courrier-du-val.example/rss", kFeed, "application/rss+xml"), 1);
  std::string path = dir.Write("feeds.warc", warc);
  auto got = ReadPaths({path});
  ASSERT_EQ(got.records.size(), 3u) << got.Messages();
  EXPECT_EQ(got.records[0].kind, InputRecord::Kind::kFeedItem);
  EXPECT_NE(got.records[0].source.find("feeds.warc:record 1 @ offset 0"), std::string::npos);
}

TEST(WebInput, ArticleIdForUrl) {
  EXPECT_EQ(ArticleIdForUrl("https://a.example/x?utm_source=rss"), "https://a.example/x");
  EXPECT_EQ(ArticleIdForUrl("HTTPS://A.EXAMPLE/x#top"), "https://a.example/x");
  EXPECT_EQ(ArticleIdForUrl("ftp://a.example/x"), "");
  EXPECT_EQ(ArticleIdForUrl("not a url"), "");
}

}  // namespace
}  // namespace veille
