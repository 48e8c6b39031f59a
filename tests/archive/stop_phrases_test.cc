// Phrases of stop words through the archive: stop-word grams in the index,
// the schema-5 flag that says every row has them, and Reindex for an archive
// indexed before.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "archive/sqlite_db.h"
#include "veille/archive.h"
#include "veille/article.h"
#include "veille/text.h"

namespace veille {
namespace {

namespace fs = std::filesystem;

class StopPhrasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("veille_stop_phrases_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    fs::remove(path_);
    auto a = Archive::Open(path_, OpenMode::kReadWrite);
    ASSERT_TRUE(a.ok()) << a.error().message;
    a_ = std::move(*a);
    Add("a1", "Le choix du maire", "Celle qui a gagné la course est partie avant midi.");
    Add("a2", "Une course sans gagnant", "Celle-ci court vite ; qui la suivra jusqu'au port ?");
    Add("a3", "Le port de Sète", "Il y a eu une grève au port, et il y a des dockers en colère.");
  }
  void TearDown() override {
    a_.reset();
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(path_ + ext);
  }
  void Add(const std::string& id, const std::string& title, const std::string& text) {
    Article a;
    a.raw.id = id;
    a.raw.source = "test";
    a.raw.source_group = "test";
    a.raw.title = title;
    a.clean.text = text;
    a.analysis.language = "fr";
    ASSERT_TRUE(a_->Begin().ok());
    auto r = a_->Store(a, std::hash<std::string>{}(text), {});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(a_->Commit().ok());
  }
  std::vector<std::string> Ids(const std::string& q) {
    SearchOptions o;
    o.query = q;
    auto r = a_->Search(o);
    EXPECT_TRUE(r.ok()) << q << ": " << r.error().message;
    std::vector<std::string> ids;
    if (r.ok())
      for (const auto& h : r->hits) ids.push_back(h.id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::string path_;
  std::unique_ptr<Archive> a_;
};

using V = std::vector<std::string>;

TEST_F(StopPhrasesTest, PhrasesOfStopWordsMatchOnlyWhereTheWordsFollowEachOther) {
  EXPECT_TRUE(*a_->HasStopGrams());
  EXPECT_EQ(Ids("\"celle qui\""), V{"a1"});  // a2 has "celle-ci court ... qui"
  EXPECT_EQ(Ids("\"il y a\""), V{"a3"});
  EXPECT_EQ(Ids("\"qu'il y a\""), V{"a3"});  // qu' is elided, as in the text
  EXPECT_EQ(Ids("\"celle qui\" OR dockers"), (V{"a1", "a3"}));
  EXPECT_EQ(Ids("course -\"celle qui\""), V{"a2"});
  EXPECT_EQ(Ids("\"qui a\""), V{"a1"});
  // Five stop words: two grams, NEAR one another at distance 0.
  EXPECT_EQ(Ids("\"et il y a des\""), V{"a3"});
  EXPECT_EQ(Ids("\"et il y a la\""), V{});
  EXPECT_TRUE(Ids("\"qui la\"").size() == 1);  // "qui la suivra"
  // A word alone, or stop words without quotes, still has nothing to search.
  SearchOptions o;
  o.query = "\"celle\"";
  EXPECT_FALSE(a_->Search(o).ok());
  o.query = "celle qui";
  EXPECT_FALSE(a_->Search(o).ok());
}

TEST_F(StopPhrasesTest, GramsChangeNoScore) {
  // Grams take no position: document lengths (and so every score) are those
  // of the terms alone.
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(sql::AsSqlite(a_->db()).handle(),
                               "SELECT a.title, a.text, d.sz FROM articles a JOIN "
                               "articles_fts_docsize d ON d.id = a.rowid",
                               -1, &st, nullptr),
            SQLITE_OK);
  int rows = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    ++rows;
    std::vector<Token> title, body;
    a_->analyzer().Analyze(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "fr", &title);
    a_->analyzer().Analyze(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)), "fr", &body);
    const auto* sz = static_cast<const unsigned char*>(sqlite3_column_blob(st, 2));
    ASSERT_EQ(sqlite3_column_bytes(st, 2), 2);  // two one-byte varints
    EXPECT_EQ(sz[0], title.size());
    EXPECT_EQ(sz[1], body.size());
  }
  sqlite3_finalize(st);
  EXPECT_EQ(rows, 3);
}

TEST_F(StopPhrasesTest, ArchiveIndexedWithoutGramsSaysToReindexThenAnswers) {
  // Make the index look like one made before grams: empty it, insert the
  // texts with the terms alone, drop the flag.
  sqlite3* db = sql::AsSqlite(a_->db()).handle();
  ASSERT_EQ(sqlite3_exec(db,
                         "INSERT INTO articles_fts(articles_fts) VALUES('delete-all');"
                         "DELETE FROM meta WHERE key = 'fts_stop_grams'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_stmt* rows = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT rowid, title, text FROM articles", -1, &rows, nullptr),
            SQLITE_OK);
  while (sqlite3_step(rows) == SQLITE_ROW) {
    auto terms = [&](int col) {
      std::vector<Token> t;
      a_->analyzer().Analyze(reinterpret_cast<const char*>(sqlite3_column_text(rows, col)), "fr",
                             &t);
      std::string s = "\x1E";
      for (size_t i = 0; i < t.size(); ++i) s += (i ? " " : "") + t[i].term;
      return s;
    };
    std::string sql = "INSERT INTO articles_fts(rowid, title, body) VALUES(" +
                      std::to_string(sqlite3_column_int64(rows, 0)) + ", ?, ?)";
    sqlite3_stmt* ins = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &ins, nullptr), SQLITE_OK);
    std::string t = terms(1), b = terms(2);
    sqlite3_bind_text(ins, 1, t.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 2, b.c_str(), -1, SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(ins), SQLITE_DONE);
    sqlite3_finalize(ins);
  }
  sqlite3_finalize(rows);

  EXPECT_FALSE(*a_->HasStopGrams());
  EXPECT_EQ(Ids("dockers"), V{"a3"});  // other queries answer as before
  SearchOptions o;
  o.query = "\"celle qui\"";
  auto r = a_->Search(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("veille reindex"), std::string::npos) << r.error().message;

  uint64_t seen = 0;
  ASSERT_TRUE(a_->Reindex([&](uint64_t done, uint64_t) { seen = done; }).ok());
  EXPECT_EQ(seen, 3u);
  EXPECT_TRUE(*a_->HasStopGrams());
  EXPECT_EQ(Ids("\"celle qui\""), V{"a1"});
  EXPECT_EQ(Ids("dockers"), V{"a3"});
}

TEST_F(StopPhrasesTest, MigratedArchiveWithArticlesIsNotMarked) {
  // A version-6 archive holding articles: the migration cannot know that its
  // rows have grams, so it leaves the flag out.
  ASSERT_EQ(sqlite3_exec(sql::AsSqlite(a_->db()).handle(),
                         "DELETE FROM meta WHERE key = 'fts_stop_grams';"
                         "UPDATE meta SET value = '6' WHERE key = 'schema_version'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  a_.reset();
  auto rw = Archive::Open(path_, OpenMode::kReadWrite);
  ASSERT_TRUE(rw.ok()) << rw.error().message;
  a_ = std::move(*rw);
  EXPECT_FALSE(*a_->HasStopGrams());
}

}  // namespace
}  // namespace veille
