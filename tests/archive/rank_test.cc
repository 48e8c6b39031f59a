// Tests of veille_bm25 (src/archive/rank.h): it must rank exactly like
// FTS5's built-in bm25 with the same column weights, whether the document
// lengths come from memory or from the %_docsize table.
#include "archive/rank.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace veille {
namespace {

class RankTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    ASSERT_TRUE(RegisterRankFunction(db_).ok());
    Exec("CREATE VIRTUAL TABLE t USING fts5(title, body)");
    // Random documents over a small vocabulary: repeated terms, empty
    // titles, lengths from 1 to 300 words (two-byte varints above 127).
    std::mt19937 rng(7);
    const std::vector<std::string> words = {"port", "grève", "dockers", "sète",  "le",
                                            "la",   "de",    "mer",     "navire"};
    sqlite3_stmt* ins = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, "INSERT INTO t(rowid, title, body) VALUES(?, ?, ?)", -1, &ins,
                                 nullptr),
              SQLITE_OK);
    for (int id = 1; id <= 200; ++id) {
      std::string title, body;
      for (unsigned i = rng() % 4; i > 0; --i) title += words[rng() % words.size()] + " ";
      for (unsigned i = 1 + rng() % 300; i > 0; --i) body += words[rng() % words.size()] + " ";
      sqlite3_bind_int(ins, 1, id);
      sqlite3_bind_text(ins, 2, title.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ins, 3, body.c_str(), -1, SQLITE_TRANSIENT);
      ASSERT_EQ(sqlite3_step(ins), SQLITE_DONE);
      sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
  }
  void TearDown() override { sqlite3_close(db_); }

  void Exec(const char* sql) {
    ASSERT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
  }

  // (rowid, built-in score, veille score) of every match of `match`.
  struct Row {
    int64_t rowid;
    double builtin, ours;
  };
  std::vector<Row> Scores(const std::string& match, const DocLengths* lengths) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_,
                                 "SELECT rowid, bm25(t, 3.0, 1.0), veille_bm25(t, ?2, 3.0, 1.0) "
                                 "FROM t WHERE t MATCH ?1",
                                 -1, &st, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db_);
    sqlite3_bind_text(st, 1, match.c_str(), -1, SQLITE_TRANSIENT);
    if (lengths)
      sqlite3_bind_pointer(st, 2, const_cast<DocLengths*>(lengths), kDocLengthsPointerType,
                           nullptr);
    std::vector<Row> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
      out.push_back({sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1),
                     sqlite3_column_double(st, 2)});
    EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return out;
  }

  sqlite3* db_ = nullptr;
};

TEST(DocSizeTotal, SumsVarints) {
  EXPECT_EQ(DocSizeTotal(""), 0u);
  EXPECT_EQ(DocSizeTotal(std::string("\x03\x05", 2)), 8u);
  // 300 = 0b10_0101100 -> 0x82 0x2C; then 1.
  EXPECT_EQ(DocSizeTotal(std::string("\x82\x2c\x01", 3)), 301u);
}

TEST_F(RankTest, SameScoresAsBuiltinBm25WithAndWithoutLengths) {
  // Lengths from memory, read the way SearchAttributes reads them.
  DocLengths lengths;
  lengths.by_rowid.assign(150, DocLengths::kUnknownLength);  // rows 150+ fall back
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db_, "SELECT id, sz FROM t_docsize WHERE id < 150", -1, &st, nullptr),
      SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW)
    lengths.by_rowid[sqlite3_column_int64(st, 0)] =
        DocSizeTotal(std::string_view(static_cast<const char*>(sqlite3_column_blob(st, 1)),
                                      static_cast<size_t>(sqlite3_column_bytes(st, 1))));
  sqlite3_finalize(st);

  size_t compared = 0;
  for (const std::string match : {"port", "port grève", "port OR navire", "\"le port\"",
                                  "mer NOT sète", "title:dockers", "na*"}) {
    for (const DocLengths* l :
         {static_cast<const DocLengths*>(nullptr), static_cast<const DocLengths*>(&lengths)}) {
      auto rows = Scores(match, l);
      EXPECT_FALSE(rows.empty()) << match;
      for (const Row& r : rows) {
        EXPECT_NEAR(r.ours, r.builtin, 1e-12 * std::fabs(r.builtin) + 1e-15)
            << match << " row " << r.rowid;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 500u);
}

TEST_F(RankTest, WrongLengthsChangeTheScore) {
  // The lengths really are used: claiming every document is one token long
  // changes the score of a document that is longer.
  DocLengths ones;
  ones.by_rowid.assign(201, 1);
  auto rows = Scores("port", &ones);
  ASSERT_FALSE(rows.empty());
  size_t differ = 0;
  for (const Row& r : rows) differ += std::fabs(r.ours - r.builtin) > 1e-9;
  EXPECT_GT(differ, 0u);
}

TEST_F(RankTest, TopKeepsTheBestRowsInRankOrderAndCountsEveryMatch) {
  // veille_bm25_top inside a counting subquery must keep exactly the rows
  // and order of ORDER BY veille_bm25, rowid LIMIT k, and count every match.
  for (const std::string match :
       {"port", "port grève", "port OR navire", "\"le port\"", "mer NOT sète", "na*", "dockers"}) {
    auto all = Scores(match, nullptr);
    std::sort(all.begin(), all.end(), [](const Row& a, const Row& b) {
      return a.ours != b.ours ? a.ours < b.ours : a.rowid < b.rowid;
    });
    for (size_t k : {size_t{0}, size_t{1}, size_t{10}, size_t{1000}}) {
      TopCollector top;
      top.k = k;
      sqlite3_stmt* st = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(db_,
                                   "SELECT count(r) FROM (SELECT veille_bm25_top(t, NULL, ?2, 3.0, "
                                   "1.0) AS r FROM t WHERE t MATCH ?1 LIMIT -1)",
                                   -1, &st, nullptr),
                SQLITE_OK)
          << sqlite3_errmsg(db_);
      sqlite3_bind_text(st, 1, match.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_pointer(st, 2, &top, kTopCollectorPointerType, nullptr);
      ASSERT_EQ(sqlite3_step(st), SQLITE_ROW) << sqlite3_errmsg(db_);
      EXPECT_EQ(static_cast<size_t>(sqlite3_column_int64(st, 0)), all.size()) << match;
      sqlite3_finalize(st);
      EXPECT_EQ(top.rows, all.size()) << match;
      auto kept = top.TakeSorted();
      ASSERT_EQ(kept.size(), std::min(k, all.size())) << match;
      for (size_t i = 0; i < kept.size(); ++i) {
        EXPECT_EQ(kept[i].second, all[i].rowid) << match << " rank " << i;
        EXPECT_EQ(kept[i].first, all[i].ours) << match << " rank " << i;
        // Positions are kept for exactly the rows kept; a title-only match
        // has none in the body.
        EXPECT_EQ(top.positions.count(kept[i].second), 1u) << match;
      }
      EXPECT_EQ(top.positions.size(), kept.size()) << match;
    }
  }
}

}  // namespace
}  // namespace veille
