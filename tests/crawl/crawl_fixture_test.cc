// crawl_fixture_test.cc: rounds against fixture sites the test serves on
// 127.0.0.1 (two hosts: two ports): feeds in each format, a news sitemap
// and a sitemap index, a section page, robots rules and Crawl-delay,
// redirects (one looping), 304, 404/410, 429 and 503 with Retry-After, a
// stall mid-body, a 200 MB body, a gzip bomb, a wrong charset, a page that
// changes between rounds; then --replay with entities and quotes; and a
// crawl killed with SIGKILL, then run again.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "crawl/politeness.h"
#include "read/warc_fixture.h"
#include "veille/crawl.h"
#include "veille/crawler.h"
#include "veille/export.h"
#include "veille/sources.h"
#include "veille/warc.h"

extern char** environ;

namespace veille {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string HttpDate(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string Gzip(const std::string& in) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// An HTTP server on 127.0.0.1 that logs every request (path, time).
class Site {
 public:
  Site() = default;
  ~Site() { Stop(); }
  httplib::Server& srv() { return srv_; }
  void Start() {
    port_ = srv_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { srv_.listen_after_bind(); });
    while (!srv_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  void Stop() {
    if (thread_.joinable()) {
      srv_.stop();
      thread_.join();
    }
  }
  std::string Base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void Log(const httplib::Request& q) {
    std::lock_guard<std::mutex> l(mu_);
    log_.emplace_back(q.path, Clock::now());
  }
  std::vector<std::pair<std::string, Clock::time_point>> Requests() {
    std::lock_guard<std::mutex> l(mu_);
    return log_;
  }
  int Count(const std::string& path) {
    std::lock_guard<std::mutex> l(mu_);
    int n = 0;
    for (auto& [p, t] : log_) n += p == path;
    return n;
  }

 private:
  httplib::Server srv_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::pair<std::string, Clock::time_point>> log_;
};

std::string Page(int n, const std::string& url, const std::string& extra = "",
                 const std::string& site = "Le Courrier du Val") {
  return testing::NewsPage(n, url, extra, site);
}

std::string Rss(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string x =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Le Courrier du Val</title>";
  for (auto& [link, date] : items)
    x += "<item><title>T " + link + "</title><link>" + link + "</link><pubDate>" + date +
         "</pubDate></item>";
  return x + "</channel></rss>";
}

class Fixture {
 public:
  std::atomic<int> round{1};
  std::atomic<int> count429{0}, count503{0};
  Site a, b;  // b: another host, with a Crawl-delay

  Fixture() {
    auto& s = a.srv();
    s.Get("/robots.txt", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      r.set_content("User-agent: *\nDisallow: /private/\nDisallow: /*.pdf$\n", "text/plain");
    });
    // RSS 2.0: a redirecting link, a disallowed one, the changing page.
    s.Get("/rss.xml", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      const std::string etag = "\"rss-" + std::to_string(round.load()) + "\"";
      if (q.get_header_value("If-None-Match") == etag) {
        r.status = 304;
        return;
      }
      r.set_header("ETag", etag);
      const std::string base = a.Base();
      const char* changed =
          round >= 2 ? "Wed, 06 Mar 2024 09:00:00 GMT" : "Tue, 05 Mar 2024 09:00:00 GMT";
      r.set_content(Rss({{base + "/a/1.html", "Tue, 05 Mar 2024 08:00:00 GMT"},
                         {base + "/r/5", "Tue, 05 Mar 2024 08:00:00 GMT"},
                         {base + "/private/3.html", "Tue, 05 Mar 2024 08:00:00 GMT"},
                         {base + "/a/changing.html", changed},
                         {base + "/a/429.html", "Tue, 05 Mar 2024 08:00:00 GMT"},
                         {base + "/a/503.html", "Tue, 05 Mar 2024 08:00:00 GMT"},
                         {base + "/a/latin.html", "Tue, 05 Mar 2024 08:00:00 GMT"}}),
                    "application/rss+xml");
    });
    // Atom.
    s.Get("/atom.xml", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      const std::string base = a.Base();
      r.set_header("Last-Modified", "Tue, 05 Mar 2024 10:00:00 GMT");
      if (q.get_header_value("If-Modified-Since") == "Tue, 05 Mar 2024 10:00:00 GMT") {
        r.status = 304;
        return;
      }
      r.set_content(
          "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>G</title>"
          "<entry><title>Six</title><link href=\"" +
              base +
              "/a/6.html\"/><id>urn:6</id><updated>2024-03-05T08:00:00Z</updated></entry>"
              "<entry><title>Loop</title><link href=\"" +
              base +
              "/loop/1\"/><id>urn:l</id><updated>2024-03-05T08:00:00Z</updated></entry>"
              "<entry><title>Stall</title><link href=\"" +
              base +
              "/a/stall.html\"/><id>urn:s</id></entry>"
              "<entry><title>Big</title><link href=\"" +
              base +
              "/a/big.html\"/><id>urn:b</id></entry>"
              "<entry><title>Bomb</title><link href=\"" +
              base +
              "/a/bomb.html\"/><id>urn:x</id></entry>"
              "</feed>",
          "application/atom+xml");
    });
    // RSS 1.0 (RDF).
    s.Get("/rdf.xml", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      const std::string base = a.Base();
      r.set_content(
          "<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
          "22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><channel rdf:about=\"" +
              base + "/rdf.xml\"><title>R</title></channel><item rdf:about=\"" + base +
              "/a/7.html\"><title>Sept</title><link>" + base +
              "/a/7.html</link></item><item rdf:about=\"" + base +
              "/a/gone.html\"><title>Parti</title><link>" + base +
              "/a/gone.html</link></item></rdf:RDF>",
          "application/rdf+xml");
    });
    // A news sitemap behind a sitemap index.
    s.Get("/sitemap-index.xml", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      r.set_content("<sitemapindex><sitemap><loc>" + a.Base() +
                        "/news-sitemap.xml</loc></sitemap></sitemapindex>",
                    "application/xml");
    });
    s.Get("/news-sitemap.xml", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      const std::string base = a.Base();
      r.set_content(
          "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
          "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">"
          "<url><loc>" +
              base +
              "/a/8.html</loc><news:news><news:publication><news:name>C</news:name>"
              "<news:language>fr</news:language></news:publication><news:publication_date>"
              "2024-03-05</news:publication_date><news:title>Huit</news:title></news:news></url>"
              "<url><loc>" +
              base + "/a/1.html</loc></url><url><loc>" + base + "/doc.pdf</loc></url></urlset>",
          "application/xml");
    });
    s.Get("/missing.xml", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      r.status = 404;
    });
    s.Get("/a/gone.html", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      r.status = 410;
    });
    s.Get("/r/5", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      r.set_redirect(a.Base() + "/a/5.html", 301);
    });
    s.Get(R"(/loop/(\d))", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      r.set_redirect(a.Base() + (q.matches[1] == "1" ? "/loop/2" : "/loop/1"), 302);
    });
    s.Get("/a/429.html", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      if (count429++ == 0) {
        r.status = 429;
        r.set_header("Retry-After", "1");
        return;
      }
      r.set_content(Page(42, a.Base() + "/a/429.html"), "text/html; charset=utf-8");
    });
    s.Get("/a/503.html", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      if (count503++ == 0) {
        r.status = 503;
        r.set_header("Retry-After", HttpDate(std::time(nullptr) + 1));
        return;
      }
      r.set_content(Page(53, a.Base() + "/a/503.html"), "text/html; charset=utf-8");
    });
    s.Get("/a/stall.html", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      r.set_chunked_content_provider("text/html", [](size_t offset, httplib::DataSink& sink) {
        if (offset == 0) {
          sink.write("<html><body><p>Le début", 24);
          return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(900));  // stalls
        sink.done();
        return true;
      });
    });
    s.Get("/a/big.html", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      // 200 MB: the declared length is over the cap, nothing is read.
      r.set_content_provider(200u << 20, "text/html",
                             [](size_t offset, size_t length, httplib::DataSink& sink) {
                               static const std::string block(1 << 16, 'x');
                               return sink.write(block.data(), std::min(length, block.size()));
                             });
    });
    bomb_ = Gzip("<html><body><p>" + std::string(40u << 20, 'a'));
    s.Get("/a/bomb.html", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      r.set_header("Content-Encoding", "gzip");
      r.set_content(bomb_, "text/html");
    });
    s.Get("/a/latin.html", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      // Declared latin-1, written in UTF-8.
      r.set_content(Page(9, a.Base() + "/a/latin.html"), "text/html; charset=iso-8859-1");
    });
    s.Get("/a/changing.html", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      r.set_content(Page(11, a.Base() + "/a/changing.html",
                         round >= 2 ? "<p>Mise à jour : le préfet a suspendu la délibération "
                                      "du conseil jeudi soir.</p>"
                                    : ""),
                    "text/html; charset=utf-8");
    });
    s.Get(R"(/a/(\d+)\.html)", [this](const httplib::Request& q, httplib::Response& r) {
      a.Log(q);
      int n = std::stoi(q.matches[1]);
      r.set_content(Page(n, a.Base() + "/a/" + std::to_string(n) + ".html"),
                    "text/html; charset=utf-8");
    });
    a.Start();

    // Host b: a section page, and a Crawl-delay.
    auto& t = b.srv();
    t.Get("/robots.txt", [this](const httplib::Request& q, httplib::Response& r) {
      b.Log(q);
      r.set_content("User-agent: *\nCrawl-delay: 0.3\nDisallow: /compte/\n", "text/plain");
    });
    t.Get("/economie/", [this](const httplib::Request& q, httplib::Response& r) {
      b.Log(q);
      r.set_content(
          "<!doctype html><html><body><header><a href=\"/\">Accueil</a><a href=\"/sport/\">Sport"
          "</a><a href=\"/compte/abonnement-premium-offre-speciale\">S'abonner</a></header>"
          "<main><article><h2><a href=\"/economie/2024/03/05/le-port-rouvre-ses-quais\">Le port "
          "rouvre ses quais aux cargos</a></h2></article><article><h2><a href=\"2024/03/05/"
          "les-prix-du-ble-remontent\">Les prix du blé remontent</a></h2></article>"
          "<a href=\"https://ailleurs.example/2024/03/05/un-autre-site\">Un autre site en parle"
          "</a></main></body></html>",
          "text/html; charset=utf-8");
    });
    t.Get(R"(/economie/2024/03/05/([a-z-]+))",
          [this](const httplib::Request& q, httplib::Response& r) {
            b.Log(q);
            r.set_content(Page(static_cast<int>(q.matches[1].length()), b.Base() + q.path,
                               "<p>L’article " + std::string(q.matches[1]) + " sur le port.</p>",
                               "La Gazette"),
                          "text/html; charset=utf-8");
          });
    b.Start();
  }

 private:
  std::string bomb_;
};

class CrawlFixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("veille_crawl_fixture_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Every article as JSON (ids, texts, entities, quotes), in id order.
  static std::vector<std::string> Dump(const std::string& db, bool all_fields = true) {
    auto a = Archive::Open(db, OpenMode::kReadOnly);
    EXPECT_TRUE(a.ok());
    std::vector<std::string> out;
    EXPECT_TRUE((*a)->ForEach([&](const StoredArticle& s) -> Status {
                      if (all_fields) {
                        out.push_back(ArticleJson(s));
                        return OkStatus();
                      }
                      auto j = nlohmann::json::parse(ArticleJson(s));
                      out.push_back(nlohmann::json{
                          {"id", j["id"]},
                          {"text", j["text"]},
                          {"title", j["title"]},
                          {"entities", j["entities"]},
                          {"quotes",
                           j["quotes"]}}.dump());
                      return OkStatus();
                    })
                    .ok());
    return out;
  }
  fs::path dir_;
};

TEST_F(CrawlFixtureTest, EveryCaseOfTheFixtureSites) {
  Fixture f;
  const std::string db = (dir_ / "crawl.db").string();
  auto archive = Archive::Open(db, OpenMode::kReadWrite);
  ASSERT_TRUE(archive.ok()) << archive.error().message;
  std::vector<std::pair<std::string, std::string>> sources = {
      {f.a.Base() + "/rss.xml", "auto"},     {f.a.Base() + "/atom.xml", "auto"},
      {f.a.Base() + "/rdf.xml", "feed"},     {f.a.Base() + "/sitemap-index.xml", "auto"},
      {f.a.Base() + "/missing.xml", "auto"}, {f.b.Base() + "/economie/", "page"}};
  for (auto& [url, kind] : sources) {
    SourceRecord s;
    s.url = url;
    s.kind = kind;
    s.every_seconds = 1;
    s.added_at = "2024-03-05T00:00:00Z";
    ASSERT_TRUE(AddSource(**archive, s).ok());
  }
  CrawlOptions o;
  o.warc_dir = (dir_ / "warc").string();
  o.host_delay_seconds = 0.1;
  o.max_parallel = 4;
  o.transfer_timeout_ms = 400;
  o.max_body_bytes = 1u << 20;
  o.max_retries = 2;
  o.retry_base_seconds = 0.05;
  o.retry_max_wait_seconds = 5;
  o.contact_url = "https://veille.example/contact";
  std::vector<Diagnostic> problems;
  auto r1 = CrawlRound(**archive, o, [&](const Diagnostic& d) { problems.push_back(d); });
  ASSERT_TRUE(r1.ok()) << r1.error().message;
  EXPECT_EQ(r1->sources_due, 6u);
  // /private/3.html, /doc.pdf (the /compte/ link of b is a menu's: not listed).
  EXPECT_EQ(r1->disallowed, 2u);
  bool capped = false;
  for (const Diagnostic& d : problems)
    capped |= d.where.ends_with("/a/big.html") && d.message.find("limit") != std::string::npos;
  EXPECT_TRUE(capped);
  // 429, 503 once each; the stall: twice (2 retries).
  EXPECT_GE(r1->retries, 4u);
  EXPECT_EQ(f.a.Count("/a/429.html"), 2);
  EXPECT_EQ(f.a.Count("/a/503.html"), 2);
  EXPECT_EQ(f.a.Count("/a/stall.html"), 3);
  EXPECT_EQ(f.a.Count("/a/big.html"), 1);  // over the cap: not retried
  EXPECT_EQ(f.a.Count("/loop/1"), 3);      // curl's redirect cap (5), not retried
  EXPECT_EQ(f.a.Count("/a/gone.html"), 1);

  // What was stored: pages 1, 5 (via the redirect), 6, 7, 8, 42, 53, the
  // latin one, the changing one, the section page's two articles, and the
  // summary of the disallowed item of the RSS feed.
  std::set<std::string> urls;
  {
    auto all = Dump(db);
    for (const std::string& j : all) {
      auto p = j.find("\"id\":\"");
      if (p != std::string::npos) urls.insert(j.substr(p + 6, j.find('"', p + 6) - p - 6));
    }
    EXPECT_EQ(all.size(), urls.size());  // each once
  }
  for (const std::string& u :
       {f.a.Base() + "/a/1.html", f.a.Base() + "/a/5.html", f.a.Base() + "/a/6.html",
        f.a.Base() + "/a/7.html", f.a.Base() + "/a/8.html", f.a.Base() + "/a/429.html",
        f.a.Base() + "/a/503.html", f.a.Base() + "/a/latin.html", f.a.Base() + "/a/changing.html",
        f.b.Base() + "/economie/2024/03/05/le-port-rouvre-ses-quais",
        f.b.Base() + "/economie/2024/03/05/les-prix-du-ble-remontent"})
    EXPECT_TRUE(urls.count(u)) << u;
  for (const char* never : {"/a/stall.html", "/a/big.html", "/a/gone.html", "/loop/1"})
    EXPECT_FALSE(urls.count(f.a.Base() + never)) << never;
  {
    // The wrong charset was read as what the bytes are.
    bool found = false;
    EXPECT_TRUE((*archive)
                    ->ForEach([&](const StoredArticle& s) -> Status {
                      if (s.url.value_or("") == f.a.Base() + "/a/latin.html") {
                        found = true;
                        EXPECT_NE(s.text.find("adopté"), std::string::npos) << s.text;
                      }
                      return OkStatus();
                    })
                    .ok());
    EXPECT_TRUE(found);
  }
  auto list = ListSources(**archive);
  ASSERT_TRUE(list.ok());
  for (const SourceRecord& s : *list) {
    if (s.url.ends_with("/missing.xml")) {
      EXPECT_TRUE(s.failing);
      EXPECT_EQ(s.last_error.value_or(""), "HTTP 404: source marked failing");
    } else {
      EXPECT_FALSE(s.failing) << s.url;
      EXPECT_TRUE(s.last_success.has_value()) << s.url;
    }
  }

  // Round 2: the RSS feed changed (new ETag) and says the changing page was
  // updated; the Atom feed answers 304; the 404 source is not asked again.
  f.round = 2;
  for (SourceRecord s : *list) {  // due now
    s.next_due = "";
    ASSERT_TRUE(UpdateSourceState(**archive, s).ok());
  }
  auto r2 = CrawlRound(**archive, o, nullptr);
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->sources_due, 5u);
  EXPECT_GE(r2->not_modified, 1u);
  EXPECT_EQ(r2->changed, 1u);
  EXPECT_EQ(r2->updated, 1u);
  EXPECT_EQ(r2->new_articles, 0u);
  EXPECT_EQ(f.a.Count("/missing.xml"), 1);
  EXPECT_EQ(f.a.Count("/a/gone.html"), 1);  // a 410 page is not fetched again
  EXPECT_EQ(f.a.Count("/a/changing.html"), 2);
  for (const char* once : {"/a/1.html", "/a/5.html", "/a/6.html", "/a/7.html", "/a/8.html"})
    EXPECT_EQ(f.a.Count(once), 1) << once;
  std::string changing_id;
  EXPECT_TRUE((*archive)
                  ->ForEach([&](const StoredArticle& s) -> Status {
                    if (s.url.value_or("") == f.a.Base() + "/a/changing.html") {
                      changing_id = s.id;
                      EXPECT_NE(s.text.find("suspendu"), std::string::npos);
                    }
                    return OkStatus();
                  })
                  .ok());
  auto versions = (*archive)->Versions(changing_id);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 2u);

  // Politeness: nothing asked of a disallowed path; per host, fetches
  // spaced by the delay (Crawl-delay 0.3 s on b; see politeness.h).
  for (Site* site : {&f.a, &f.b}) {
    auto reqs = site->Requests();
    const double delay = site == &f.b ? 0.3 : 0.1;
    for (const auto& [path, when] : reqs) {
      EXPECT_EQ(path.find("/private/"), std::string::npos);
      EXPECT_EQ(path.find("/compte/"), std::string::npos);
      EXPECT_EQ(path.find(".pdf"), std::string::npos);
      EXPECT_EQ(path.find("ailleurs"), std::string::npos);
    }
    // (curl follows a redirect at once: one fetch, several requests.)
    veille::testing::ExpectFetchesSpaced(reqs, delay, [](const std::string& p) {
      return p.rfind("/loop/", 0) == 0 || p.rfind("/r/", 0) == 0;
    });
  }

  // --replay: the WARC files alone give the same archive, entities and
  // quotes included.
  archive->reset();
  const std::string replay = (dir_ / "replay.db").string();
  {
    auto b = Archive::Open(replay, OpenMode::kReadWrite);
    ASSERT_TRUE(b.ok());
    IngestOptions io;
    io.inputs = {o.warc_dir};
    auto ing = Ingest(**b, io, nullptr, nullptr);
    ASSERT_TRUE(ing.ok()) << "code " << static_cast<int>(ing.error().code) << ": ["
                          << ing.error().message << "]";
  }
  // (Near-duplicate and reuse links depend on the order articles came in:
  // the crawl stored the changed page's update a round later.)
  auto crawled = Dump(db, false), replayed = Dump(replay, false);
  EXPECT_EQ(crawled, replayed);
  bool entities = false, quotes = false;
  for (const std::string& j : crawled) {
    entities |= j.find("\"entities\":[{") != std::string::npos;
    quotes |= j.find("Nous avons fait le choix") != std::string::npos;
  }
  EXPECT_TRUE(entities);
  EXPECT_TRUE(quotes);
}

// The child side of the SIGKILL test: a crawl round the parent kills.
TEST(CrawlKillChild, Round) {
  const char* db = std::getenv("VEILLE_CRAWL_CHILD_DB");
  if (!db) GTEST_SKIP() << "run by CrawlFixtureTest.SigkillThenRerun";
  auto archive = Archive::Open(db, OpenMode::kReadWrite);
  ASSERT_TRUE(archive.ok());
  CrawlOptions o;
  o.warc_dir = std::getenv("VEILLE_CRAWL_CHILD_WARC");
  o.host_delay_seconds = 0;
  o.max_parallel = 4;
  o.ingest.entities = o.ingest.quotes = false;
  (void)CrawlRound(**archive, o, nullptr);
}

TEST_F(CrawlFixtureTest, SigkillThenRerun) {
  constexpr int kPages = 40;
  Site site;
  site.srv().Get("/robots.txt", [&](const httplib::Request& q, httplib::Response& r) {
    site.Log(q);
    r.status = 404;
  });
  site.srv().Get("/feed.xml", [&](const httplib::Request& q, httplib::Response& r) {
    site.Log(q);
    std::vector<std::pair<std::string, std::string>> items;
    for (int i = 1; i <= kPages; ++i)
      items.emplace_back(site.Base() + "/a/" + std::to_string(i) + ".html",
                         "Tue, 05 Mar 2024 08:00:00 GMT");
    r.set_content(Rss(items), "application/rss+xml");
  });
  site.srv().Get(R"(/a/(\d+)\.html)", [&](const httplib::Request& q, httplib::Response& r) {
    site.Log(q);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    int n = std::stoi(q.matches[1]);
    r.set_content(Page(n, site.Base() + q.path), "text/html; charset=utf-8");
  });
  site.Start();
  const std::string db = (dir_ / "crawl.db").string(), warc = (dir_ / "warc").string();
  {
    auto a = Archive::Open(db, OpenMode::kReadWrite);
    ASSERT_TRUE(a.ok());
    SourceRecord s;
    s.url = site.Base() + "/feed.xml";
    s.added_at = "2024-03-05T00:00:00Z";
    ASSERT_TRUE(AddSource(**a, s).ok());
  }
  // The child: this test binary again, running CrawlKillChild.Round.
  std::string self = fs::read_symlink("/proc/self/exe").string();
  std::string filter = "--gtest_filter=CrawlKillChild.Round";
  std::vector<std::string> env_s = {"VEILLE_CRAWL_CHILD_DB=" + db,
                                    "VEILLE_CRAWL_CHILD_WARC=" + warc};
  for (char** e = environ; *e; ++e) env_s.emplace_back(*e);
  std::vector<char*> env;
  for (auto& e : env_s) env.push_back(e.data());
  env.push_back(nullptr);
  char* argv[] = {self.data(), filter.data(), nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv, env.data()), 0);
  // Killed once about a third of the pages were served.
  const auto until = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < until) {
    int pages = 0;
    for (auto& [p, t] : site.Requests()) pages += p.rfind("/a/", 0) == 0;
    if (pages >= kPages / 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child ended before it was killed";
  const size_t before_rerun = site.Requests().size();

  auto a = Archive::Open(db, OpenMode::kReadWrite);
  ASSERT_TRUE(a.ok());
  CrawlOptions o;
  o.warc_dir = warc;
  o.host_delay_seconds = 0;
  o.ingest.entities = o.ingest.quotes = false;
  auto r = CrawlRound(**a, o, nullptr);
  ASSERT_TRUE(r.ok()) << r.error().message;

  // Every page once in the archive.
  auto all = Dump(db);
  EXPECT_EQ(all.size(), static_cast<size_t>(kPages));
  // No page whose response the killed round wrote was fetched again: each
  // page has exactly one complete response record over all WARC files.
  std::map<std::string, int> responses;
  for (const auto& e : fs::directory_iterator(warc)) {
    auto reader = WarcReader::Open(e.path().string());
    ASSERT_TRUE(reader.ok());
    WarcRecord rec;
    std::vector<Diagnostic> d;
    while ((*reader)->Next(&rec, &d))
      if (rec.type() == "response" && rec.target_uri().find("/a/") != std::string_view::npos)
        ++responses[std::string(rec.target_uri())];
  }
  EXPECT_EQ(responses.size(), static_cast<size_t>(kPages));
  for (auto& [u, n] : responses) EXPECT_EQ(n, 1) << u;
  EXPECT_GT(r->recovered + r->already_seen, 0u);
  EXPECT_GT(site.Requests().size(), before_rerun);
}

}  // namespace
}  // namespace veille
