// crawl_round_test.cc: crawl rounds against a fixture site served on
// 127.0.0.1 by the test itself: robots.txt obeyed, per-host delay held,
// conditional GET, 410 marks the source failing, every article stored once,
// nothing fetched twice, and --replay of the WARC files giving the same
// archive.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "crawl/politeness.h"
#include "read/warc_fixture.h"
#include "veille/crawl.h"
#include "veille/crawler.h"
#include "veille/export.h"
#include "veille/sources.h"

namespace veille {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class FixtureSite {
 public:
  FixtureSite() {
    srv_.Get("/robots.txt", [this](const httplib::Request& q, httplib::Response& r) {
      Log(q);
      r.set_content("User-agent: *\nDisallow: /private/\n", "text/plain");
    });
    srv_.Get("/feed.xml", [this](const httplib::Request& q, httplib::Response& r) {
      Log(q);
      if (q.get_header_value("If-None-Match") == "\"v1\"") {
        r.status = 304;
        return;
      }
      r.set_header("ETag", "\"v1\"");
      std::string base = Base();
      r.set_content(
          "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Le Courrier du Val</title>"
          "<item><title>Un</title><link>" +
              base +
              "/a/1.html?utm_source=rss</link><description>Résumé un.</description></item>"
              "<item><title>Deux</title><link>" +
              base +
              "/a/2.html</link><description>Résumé deux.</description></item>"
              "<item><title>Trois</title><link>" +
              base +
              "/private/3.html</link><description>Résumé trois, réservé.</description></item>"
              "</channel></rss>",
          "application/rss+xml");
    });
    srv_.Get("/sitemap.xml", [this](const httplib::Request& q, httplib::Response& r) {
      Log(q);
      std::string base = Base();
      r.set_content(
          "<urlset xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\"><url><loc>" +
              base + "/a/2.html</loc></url><url><loc>" + base + "/a/4.html</loc></url></urlset>",
          "application/xml");
    });
    srv_.Get("/gone.xml", [this](const httplib::Request& q, httplib::Response& r) {
      Log(q);
      r.status = 410;
    });
    srv_.Get(R"(/a/(\d+)\.html)", [this](const httplib::Request& q, httplib::Response& r) {
      Log(q);
      int n = std::stoi(q.matches[1]);
      r.set_content(testing::NewsPage(n, Base() + "/a/" + std::to_string(n) + ".html"),
                    "text/html; charset=utf-8");
    });
    port_ = srv_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { srv_.listen_after_bind(); });
    while (!srv_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~FixtureSite() {
    srv_.stop();
    thread_.join();
  }
  std::string Base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::pair<std::string, Clock::time_point>> Requests() {
    std::lock_guard<std::mutex> l(mu_);
    return log_;
  }

 private:
  void Log(const httplib::Request& q) {
    std::lock_guard<std::mutex> l(mu_);
    log_.emplace_back(q.path, Clock::now());
  }
  httplib::Server srv_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::pair<std::string, Clock::time_point>> log_;
};

class CrawlRoundTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("veille_crawl_round_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> Export(const std::string& db) {
    auto a = Archive::Open(db, OpenMode::kReadOnly);
    EXPECT_TRUE(a.ok());
    std::vector<std::string> out;
    EXPECT_TRUE((*a)->ForEach([&](const StoredArticle& s) -> Status {
                      out.push_back(s.id + "\n" + s.text);
                      return OkStatus();
                    })
                    .ok());
    return out;
  }
  fs::path dir_;
};

TEST_F(CrawlRoundTest, FetchesPolitelyStoresOnceAndReplays) {
  FixtureSite site;
  const std::string db = (dir_ / "crawl.db").string();
  auto archive = Archive::Open(db, OpenMode::kReadWrite);
  ASSERT_TRUE(archive.ok()) << archive.error().message;
  for (const char* path : {"/feed.xml", "/sitemap.xml", "/gone.xml"}) {
    SourceRecord s;
    s.url = site.Base() + path;
    s.name = path;
    s.every_seconds = 1;
    s.added_at = "2024-03-05T00:00:00Z";
    ASSERT_TRUE(AddSource(**archive, s).ok());
  }
  SourceRecord again;
  again.url = site.Base() + "/feed.xml";
  EXPECT_FALSE(AddSource(**archive, again).ok());
  CrawlOptions o;
  o.warc_dir = (dir_ / "warc").string();
  o.host_delay_seconds = 0.1;
  o.ingest.entities = o.ingest.quotes = false;
  std::vector<Diagnostic> problems;
  auto r1 = CrawlRound(**archive, o, [&](const Diagnostic& d) { problems.push_back(d); });
  ASSERT_TRUE(r1.ok()) << r1.error().message;
  EXPECT_EQ(r1->sources_due, 3u);
  EXPECT_EQ(r1->errors, 1u);      // the 410
  EXPECT_EQ(r1->disallowed, 1u);  // /private/3.html
  // robots, feed, /a/1, /a/2, sitemap, /a/4, gone: 7 responses.
  EXPECT_EQ(r1->fetched, 7u);
  // Pages 1, 2 and 4, and the feed's summary of the page robots.txt forbids.
  EXPECT_EQ(r1->new_articles, 4u);

  auto sources = ListSources(**archive);
  ASSERT_TRUE(sources.ok());
  ASSERT_EQ(sources->size(), 3u);
  EXPECT_TRUE((*sources)[2].failing);
  EXPECT_EQ((*sources)[0].etag.value_or(""), "\"v1\"");
  EXPECT_EQ((*sources)[0].articles, 2);

  for (SourceRecord src : *sources) {  // the sources fall due
    src.next_due = "";
    ASSERT_TRUE(UpdateSourceState(**archive, src).ok());
  }
  auto r2 = CrawlRound(**archive, o, nullptr);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->sources_due, 2u);  // not the failing one
  EXPECT_EQ(r2->not_modified, 1u);
  EXPECT_EQ(r2->new_articles, 0u);
  EXPECT_EQ(r2->already_seen, 2u);  // the sitemap's links

  auto reqs = site.Requests();
  std::map<std::string, int> count;
  for (size_t i = 0; i < reqs.size(); ++i) {
    ++count[reqs[i].first];
    EXPECT_EQ(reqs[i].first.find("/private/"), std::string::npos);
  }
  // One host: fetches spaced by the delay (see politeness.h).
  veille::testing::ExpectFetchesSpaced(reqs, o.host_delay_seconds,
                                       [](const std::string&) { return false; });
  for (const char* page : {"/a/1.html", "/a/2.html", "/a/4.html"})
    EXPECT_EQ(count[page], 1) << page;
  EXPECT_EQ(count["/gone.xml"], 1);

  // --replay: the WARC files alone give the same archive.
  archive->reset();
  const std::string replay = (dir_ / "replay.db").string();
  {
    auto b = Archive::Open(replay, OpenMode::kReadWrite);
    ASSERT_TRUE(b.ok());
    IngestOptions io;
    io.inputs = {o.warc_dir};
    io.entities = io.quotes = false;
    ASSERT_TRUE(Ingest(**b, io, nullptr, nullptr).ok());
  }
  EXPECT_EQ(Export(replay), Export(db));
  EXPECT_EQ(Export(db).size(), 4u);
}

// A crawl killed after it wrote responses to WARC but before it ingested
// them: the next round ingests that file, and does not fetch its URLs again.
TEST_F(CrawlRoundTest, KilledRoundLosesNothingItWrote) {
  FixtureSite site;
  const std::string db = (dir_ / "crawl.db").string();
  auto archive = Archive::Open(db, OpenMode::kReadWrite);
  ASSERT_TRUE(archive.ok());
  const std::string warc_dir = (dir_ / "warc").string();
  const std::string url = site.Base() + "/a/7.html";
  {
    WarcWriterOptions wo;
    wo.dir = warc_dir;
    wo.prefix = "veille-crawl";
    auto w = WarcWriter::Open(wo);
    ASSERT_TRUE(w.ok());
    std::string html = testing::NewsPage(7, url);
    auto loc = (*w)->WriteExchange(url, WarcDateNow(), "GET /a/7.html HTTP/1.1\r\n\r\n",
                                   "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html);
    ASSERT_TRUE(loc.ok());
    ASSERT_TRUE(MarkCrawlSeen(**archive, url, loc->file, loc->offset, WarcDateNow()).ok());
  }  // "killed" here: nothing ingested
  CrawlOptions o;
  o.warc_dir = warc_dir;
  o.host_delay_seconds = 0;
  o.ingest.entities = o.ingest.quotes = false;
  auto r = CrawlRound(**archive, o, nullptr);  // no source is due: only the leftover file
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->fetched, 0u);
  EXPECT_EQ(r->new_articles, 1u);
  auto again = CrawlRound(**archive, o, nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->new_articles, 0u);  // ingested once
  EXPECT_TRUE(site.Requests().empty());
}

TEST(SourceList, OpmlAndPlainLists) {
  auto opml = ParseSourceList(R"(<?xml version="1.0"?><opml version="2.0"><body>
<outline text="News"><outline text="Le Courrier" type="rss" xmlUrl="https://a.example/rss"/>
<outline title="Gazette" xmlUrl="https://g.example/atom.xml"/></outline></body></opml>)");
  ASSERT_TRUE(opml.ok());
  ASSERT_EQ(opml->size(), 2u);
  EXPECT_EQ((*opml)[0].first, "https://a.example/rss");
  EXPECT_EQ((*opml)[0].second, "Le Courrier");
  auto plain =
      ParseSourceList("# my feeds\nhttps://a.example/rss Le Courrier\n\nhttps://b.example/feed\n");
  ASSERT_TRUE(plain.ok());
  ASSERT_EQ(plain->size(), 2u);
  EXPECT_EQ((*plain)[0].second, "Le Courrier");
  EXPECT_FALSE(ParseSourceList("ftp://x\n").ok());
}

}  // namespace
}  // namespace veille
