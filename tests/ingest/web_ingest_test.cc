// web_ingest_test.cc: web input through the whole pipeline: a 1,000-record
// WARC with every page's source recorded, re-ingesting it storing nothing,
// feed items and pages of the same URL being one article whose full text
// wins in any order, and a page fetched twice kept as one updated article
// with its history.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "archive/sqlite_db.h"
#include "read/warc_fixture.h"
#include "veille/archive.h"
#include "veille/ingest.h"

namespace veille {
namespace {

namespace fs = std::filesystem;
using testing::FixtureRecord;
using testing::Gzip;
using testing::HttpBlock;
using testing::NewsPage;
using testing::WarcBytes;

class WebIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("veille_web_ingest_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& rel, const std::string& bytes) {
    fs::path p = dir_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  std::string Db() { return (dir_ / "a.db").string(); }

  IngestSummary Run(const std::vector<std::string>& inputs,
                    std::vector<Diagnostic>* problems = nullptr) {
    auto archive = Archive::Open(Db(), OpenMode::kReadWrite);
    EXPECT_TRUE(archive.ok()) << archive.error().message;
    IngestOptions o;
    o.inputs = inputs;
    o.batch_size = 100;
    o.entities = o.quotes = false;
    auto s = Ingest(
        **archive, o,
        [&](const Diagnostic& d) {
          if (problems) problems->push_back(d);
        },
        nullptr);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? *s : IngestSummary{};
  }

  int64_t Count(const std::string& sql) {
    auto a = Archive::Open(Db(), OpenMode::kReadOnly);
    EXPECT_TRUE(a.ok());
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(sql::AsSqlite((*a)->db()).handle(), sql.c_str(), -1, &st, nullptr),
              SQLITE_OK)
        << sql;
    int64_t n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
  }

  static FixtureRecord Page(const std::string& uri, const std::string& html,
                            const std::string& date = "2024-03-05T08:15:00Z") {
    FixtureRecord r;
    r.uri = uri;
    r.date = date;
    r.block = HttpBlock(html);
    return r;
  }

  static std::string Url(int i) {
    return "https://courrier-du-val.example/2024/03/article-" + std::to_string(i) + ".html";
  }

  fs::path dir_;
};

TEST_F(WebIngestTest, ThousandRecordWarcEverySourceRecordedAndReingestStoresNothing) {
  std::string warc;
  for (int i = 0; i < 1000; ++i) {
    FixtureRecord req;
    req.type = "request";
    req.uri = Url(i);
    req.content_type = "application/http; msgtype=request";
    req.block = "GET / HTTP/1.1\r\n\r\n";
    // Request and response records alternate, as crawlers write them: 1,000
    // records of which 500 are pages.
    if (i % 2 == 0) {
      warc += Gzip(WarcBytes(req, i + 1));
    } else {
      warc += Gzip(WarcBytes(Page(Url(i) + "?utm_source=twitter", NewsPage(i, Url(i))), i + 1));
    }
  }
  std::string path = Write("crawl.warc.gz", warc);
  std::vector<Diagnostic> problems;
  IngestSummary first = Run({path}, &problems);
  EXPECT_EQ(first.stored, 500u);
  EXPECT_EQ(first.errors, 0u);
  EXPECT_EQ(Count("SELECT count(*) FROM articles"), 500);
  // Every page's source: file, record id, offset, target URI, fetch date.
  EXPECT_EQ(Count("SELECT count(*) FROM article_versions WHERE source_file = '" + path +
                  "' AND record_id LIKE '<urn:uuid:%' AND record_offset > 0 AND target_uri LIKE "
                  "'https://courrier-du-val.example/%utm_source=twitter' AND fetched_at = "
                  "'2024-03-05T08:15:00Z' AND kind = 'page'"),
            500);
  EXPECT_EQ(Count("SELECT count(*) FROM articles WHERE id LIKE 'https://%' AND id NOT LIKE "
                  "'%utm_%' AND source_group = 'courrier-du-val.example'"),
            500);
  const int64_t versions = Count("SELECT count(*) FROM article_versions");

  IngestSummary again = Run({path});
  EXPECT_EQ(again.stored, 0u);
  EXPECT_EQ(again.updated, 0u);
  EXPECT_EQ(again.unchanged, 500u);
  EXPECT_EQ(Count("SELECT count(*) FROM article_versions"), versions);
}

TEST_F(WebIngestTest, FeedItemAndItsPageAreOneArticleAndTheFullTextWinsInAnyOrder) {
  std::string feed =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Le Courrier du Val</title>";
  std::string warc;
  for (int i = 0; i < 5; ++i) {
    feed += "<item><title>Budget " + std::to_string(i) + "</title><link>" + Url(i) +
            "?utm_source=rss</link><pubDate>Tue, 05 Mar 2024 09:30:00 +0100</pubDate>"
            "<description>Résumé court de l’article " +
            std::to_string(i) + ".</description></item>";
    warc += Gzip(WarcBytes(Page(Url(i), NewsPage(i, Url(i))), i + 1));
  }
  feed += "</channel></rss>";
  for (bool feed_first : {true, false}) {
    fs::remove(Db());
    std::string f = Write("in/feed.rss", feed), w = Write("in/pages.warc.gz", warc);
    std::vector<std::string> order =
        feed_first ? std::vector<std::string>{f, w} : std::vector<std::string>{w, f};
    IngestSummary s = Run(order);
    EXPECT_EQ(Count("SELECT count(*) FROM articles"), 5) << feed_first;
    EXPECT_EQ(Count("SELECT count(*) FROM articles WHERE text LIKE '%a adopté mardi soir%'"), 5)
        << feed_first;
    EXPECT_EQ(Count("SELECT count(*) FROM articles WHERE flags LIKE '%summary-only%'"), 0);
    // Feed first: the summary is stored, then replaced by the page. Page
    // first: the summary is not stored at all.
    EXPECT_EQ(s.updated, feed_first ? 5u : 0u);
    IngestSummary again = Run(order);
    EXPECT_EQ(again.stored + again.updated, 0u) << feed_first;
    // Each file alone, again: nothing new either.
    EXPECT_EQ(Run({f}).updated + Run({w}).updated, 0u);
  }
}

TEST_F(WebIngestTest, PageFetchedTwiceIsOneArticleUpdatedWithItsHistory) {
  std::string v1 =
      Write("a.warc", WarcBytes(Page(Url(1), NewsPage(1, Url(1)), "2024-03-05T08:00:00Z"), 1));
  std::string v2 =
      Write("b.warc",
            WarcBytes(Page(Url(1) + "#comments",
                           NewsPage(1, Url(1), "Mise à jour : le préfet a validé le budget jeudi."),
                           "2024-03-06T08:00:00Z"),
                      2));
  EXPECT_EQ(Run({v1}).stored, 1u);
  EXPECT_EQ(Run({v2}).updated, 1u);
  EXPECT_EQ(Count("SELECT count(*) FROM articles"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM articles WHERE text LIKE '%préfet a validé%'"), 1);
  auto archive = Archive::Open(Db(), OpenMode::kReadOnly);
  ASSERT_TRUE(archive.ok());
  auto versions = (*archive)->Versions(Url(1));
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].source_file, v1);
  EXPECT_EQ((*versions)[0].fetched_at, "2024-03-05T08:00:00Z");
  ASSERT_TRUE((*versions)[0].text.has_value());  // the replaced text is kept
  EXPECT_EQ((*versions)[0].text->find("préfet"), std::string::npos);
  EXPECT_FALSE((*versions)[0].current);
  EXPECT_TRUE((*versions)[1].current);
  EXPECT_FALSE((*versions)[1].text.has_value());
  EXPECT_EQ((*versions)[1].source_file, v2);
  archive->reset();
  // The older fetch read again (or later) does not bring the old text back.
  EXPECT_EQ(Run({v1}).updated, 0u);
  EXPECT_EQ(Run({v2, v1}).updated, 0u);
  EXPECT_EQ(Count("SELECT count(*) FROM articles WHERE text LIKE '%préfet a validé%'"), 1);
}

TEST_F(WebIngestTest, BadWarcRecordsAreReportedAndTheRestStored) {
  std::string warc = Gzip(WarcBytes(Page(Url(1), NewsPage(1, Url(1))), 1));
  uint64_t cut_at = warc.size();
  std::string damaged = Gzip(WarcBytes(Page(Url(2), NewsPage(2, Url(2))), 2));
  warc += damaged.substr(0, damaged.size() / 2);  // a truncated member
  warc += Gzip(WarcBytes(Page(Url(3), NewsPage(3, Url(3))), 3));
  std::string path = Write("damaged.warc.gz", warc);
  std::vector<Diagnostic> problems;
  IngestSummary s = Run({path}, &problems);
  EXPECT_EQ(s.stored, 2u);
  std::string m;
  for (const auto& d : problems) m += d.where + ": " + d.message + "\n";
  EXPECT_NE(m.find("damaged.warc.gz @ offset " + std::to_string(cut_at)), std::string::npos) << m;
  EXPECT_GE(Count("SELECT count(*) FROM ingest_problems WHERE location LIKE '%damaged.warc.gz%'"),
            1);
}

}  // namespace
}  // namespace veille
