// End-to-end test of the "veille" FTS5 tokenizer with ToFts5Match: an
// in-memory contentless table of invented French and English articles, and
// the searches users asked for.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <random>
#include <set>

#include "veille/query.h"
#include "veille/text.h"

namespace veille {
namespace {

struct Doc {
  int id;
  const char* lang;
  const char* title;
  const char* body;
};

const Doc kDocs[] = {
    {1, "fr", "Les talibans aux portes de Kaboul",
     "Les combattants talibans ont capturé plusieurs districts au nord de la capitale."},
    {2, "fr", "L'ambassade des États-Unis ferme ses portes",
     "Le personnel de l’ambassade a été évacué par hélicoptère vers l'aéroport."},
    {3, "en", "Taliban fighters enter Kabul",
     "The taliban captured the presidential palace on Sunday, officials said."},
    {4, "fr", "Trois soldats capturés à la frontière",
     "Les soldats ont été capturés lors d'une embuscade, a indiqué l'armée."},
    {5, "fr", "Une prise de position du ministre",
     "Le ministre a défendu sa position ; la prise des otages reste inexpliquée."},
    {6, "fr", "La prise de Kaboul vue du ciel",
     "Les images satellites montrent la prise de Kaboul en quelques heures."},
    {7, "en", "Markets rally in New York", "Stocks in the United States rose on Monday."},
};

class Fts5Test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto a = TextAnalyzer::Create();
    ASSERT_TRUE(a.ok()) << a.error().message;
    analyzer_ = std::move(a).value();
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    auto st = RegisterFts5Tokenizer(db_, analyzer_.get());
    ASSERT_TRUE(st.ok()) << st.error().message;
    Exec("CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', tokenize='veille')");
    sqlite3_stmt* ins = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, "INSERT INTO fts(rowid, title, body) VALUES(?, ?, ?)", -1,
                                 &ins, nullptr),
              SQLITE_OK);
    for (const auto& d : kDocs) {
      std::string t = TagLanguage(d.lang, d.title), b = TagLanguage(d.lang, d.body);
      sqlite3_bind_int(ins, 1, d.id);
      sqlite3_bind_text(ins, 2, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(ins, 3, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
      ASSERT_EQ(sqlite3_step(ins), SQLITE_DONE) << sqlite3_errmsg(db_);
      sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
  }
  void TearDown() override { sqlite3_close(db_); }

  void Exec(const char* sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  }

  // Ids matching the user query `q`, best (bm25, title x3) first.
  std::vector<int> Search(std::string_view q) {
    auto parsed = ParseQuery(q);
    EXPECT_TRUE(parsed.ok()) << q << ": " << parsed.error().message;
    if (!parsed.ok()) return {};
    auto match = ToFts5Match(*parsed, *analyzer_, {"en", "fr"});
    EXPECT_TRUE(match.ok()) << q << ": " << match.error().message;
    if (!match.ok()) return {};
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_,
                                 "SELECT rowid FROM fts WHERE fts MATCH ? "
                                 "ORDER BY bm25(fts, 3.0, 1.0)",
                                 -1, &st, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(st, 1, match->c_str(), -1, SQLITE_TRANSIENT);
    std::vector<int> ids;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) ids.push_back(sqlite3_column_int(st, 0));
    EXPECT_EQ(rc, SQLITE_DONE) << q << " -> " << *match << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return ids;
  }
  std::set<int> Found(std::string_view q) {
    auto v = Search(q);
    return {v.begin(), v.end()};
  }

  std::unique_ptr<TextAnalyzer> analyzer_;
  sqlite3* db_ = nullptr;
};

TEST_F(Fts5Test, SingularFindsPlural) {
  EXPECT_EQ(Found("taliban"), (std::set<int>{1, 3}));
  EXPECT_EQ(Found("talibans"), (std::set<int>{1, 3}));
}

TEST_F(Fts5Test, CaseAndAccentsDoNotMatter) {
  EXPECT_EQ(Found("kaboul"), (std::set<int>{1, 6}));
  EXPECT_EQ(Found("KABOUL"), (std::set<int>{1, 6}));
  EXPECT_EQ(Found("etats-unis"), (std::set<int>{2}));
  EXPECT_EQ(Found("États-Unis"), (std::set<int>{2}));
  EXPECT_EQ(Found("helicoptere"), (std::set<int>{2}));
}

TEST_F(Fts5Test, Elision) {
  EXPECT_EQ(Found("l'ambassade"), (std::set<int>{2}));
  EXPECT_EQ(Found("ambassade"), (std::set<int>{2}));
  EXPECT_EQ(Found("l’ambassade"), (std::set<int>{2}));
}

TEST_F(Fts5Test, InflectionsMatch) {
  EXPECT_EQ(Found("capturé"), (std::set<int>{1, 3, 4}));  // captured (en) stems alike
  EXPECT_EQ(Found("capturés"), (std::set<int>{1, 3, 4}));
  EXPECT_EQ(Found("soldat"), (std::set<int>{4}));
}

TEST_F(Fts5Test, PhraseNeedsAdjacentWords) {
  // Doc 5 has "prise" and "position" but not "prise de Kaboul"; the stop
  // word inside the phrase is skipped on both sides.
  EXPECT_EQ(Found("\"prise de Kaboul\""), (std::set<int>{6}));
  EXPECT_EQ(Found("prise kaboul"), (std::set<int>{6}));
  EXPECT_EQ(Found("\"kaboul prise\""), (std::set<int>{}));
  // FTS5 tokenizers cannot leave position gaps, so a dropped stop word
  // makes its neighbours adjacent: "prise position" matches "prise de position".
  EXPECT_EQ(Found("\"prise position\""), (std::set<int>{5}));
  EXPECT_EQ(Found("\"ministre position\""), (std::set<int>{}));
  EXPECT_EQ(Found("\"prise de position\""), (std::set<int>{5}));
}

TEST_F(Fts5Test, OrExclusionPrefix) {
  EXPECT_EQ(Found("soldats OR ambassade"), (std::set<int>{2, 4}));
  EXPECT_EQ(Found("kaboul -satellites"), (std::set<int>{1}));
  EXPECT_EQ(Found("talibans -\"palais présidentiel\" -palace"), (std::set<int>{1}));
  EXPECT_EQ(Found("talib*"), (std::set<int>{1, 3}));
  EXPECT_EQ(Found("ambas*"), (std::set<int>{2}));
  EXPECT_EQ(Found("(kaboul OR kabul) taliban*"), (std::set<int>{1, 3}));
}

TEST_F(Fts5Test, TitleWeighsMore) {
  // With bm25(3.0, 1.0), doc 4 ("capturés" in its title and body) ranks
  // before docs 1 and 3, which only have it in the body.
  auto ids = Search("capturés");
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0], 4);
}

TEST_F(Fts5Test, EnglishStopWordsAndMixedLanguages) {
  EXPECT_EQ(Found("the taliban"), (std::set<int>{1, 3}));
  EXPECT_EQ(Found("United States"), (std::set<int>{7}));
}

TEST_F(Fts5Test, UserSyntaxCannotBreakFts5) {
  for (const char* q : {"NEAR(kaboul taliban)", "title:kaboul", "kaboul^", "\"a\"\"b\"",
                        "{title body}: kaboul", "kaboul + taliban", "col:*"}) {
    auto parsed = ParseQuery(q);
    if (!parsed.ok()) continue;
    auto match = ToFts5Match(*parsed, *analyzer_, {"fr"});
    if (!match.ok()) continue;
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, "SELECT rowid FROM fts WHERE fts MATCH ?", -1, &st, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(st, 1, match->c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    EXPECT_EQ(rc, SQLITE_DONE) << q << " -> " << *match << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
  }
}

TEST_F(Fts5Test, PropertyEveryTranslatedQueryIsValidFts5) {
  // Random queries built from syntax fragments: whatever ParseQuery accepts
  // and ToFts5Match translates must be a MATCH expression FTS5 accepts.
  const char* pieces[] = {
      "kaboul", " ",          "OR", "AND", "NOT",          "-",     "\"",  "(", ")", "*",
      "l'",     "États-Unis", "le", "the", "NEAR",         ":",     "^",   "+", "«", "»",
      "x*",     "{",          "}",  ",",   "\xE2\x80\x99", "1 000", "\xFF"};
  std::mt19937 rng(7);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db_, "SELECT count(*) FROM fts WHERE fts MATCH ?", -1, &st, nullptr),
            SQLITE_OK);
  int translated = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string q;
    for (int k = rng() % 8; k >= 0; --k) {
      q += pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
      if (rng() % 2) q += ' ';
    }
    auto parsed = ParseQuery(q);
    if (!parsed.ok()) continue;
    for (const auto& langs : {std::vector<std::string>{"fr", "en"}, std::vector<std::string>{}}) {
      auto match = ToFts5Match(*parsed, *analyzer_, langs);
      if (!match.ok()) continue;
      ++translated;
      sqlite3_bind_text(st, 1, match->c_str(), -1, SQLITE_TRANSIENT);
      ASSERT_EQ(sqlite3_step(st), SQLITE_ROW)
          << q << " -> " << *match << ": " << sqlite3_errmsg(db_);
      sqlite3_reset(st);
    }
  }
  sqlite3_finalize(st);
  EXPECT_GT(translated, 300);  // the generator must reach the translator
}

TEST_F(Fts5Test, TagIsNotIndexed) {
  // The language tag must not turn into a term: "fr" only matches real text.
  EXPECT_EQ(Found("fr"), (std::set<int>{}));
}

TEST_F(Fts5Test, IndexTermsCarryStopWordGrams) {
  // AnalyzeForIndex: the terms of Analyze, each followed by the grams of the
  // run of stop words before it (colocated); a run at the end follows the
  // last term; a text of stop words only has none.
  struct Case {
    const char* text;
    const char* want;  // terms, grams in brackets
  };
  const Case cases[] = {
      {"celle qui a gagné", "gagn [celle_qui] [celle_qui_a] [qui_a]"},
      {"le port", "port"},
      {"port de la mer", "port mer [de_la]"},
      {"il l'a dit, et il y a", "dit [il_a] [et_il] [et_il_y] [et_il_y_a] [il_y] [il_y_a] [y_a]"},
      {"la course, de la", "cours [de_la]"},
      {"de la de la", ""},
      {"b c d e", "b e [c_d]"},  // b, e are not French stop words
  };
  for (const auto& c : cases) {
    std::string got;
    analyzer_->AnalyzeForIndex(
        c.text, "fr",
        [](void* ctx, std::string_view term, uint32_t, uint32_t, bool colocated) {
          auto* g = static_cast<std::string*>(ctx);
          if (!g->empty()) *g += ' ';
          *g += colocated ? "[" + std::string(term) + "]" : std::string(term);
          return true;
        },
        &got);
    EXPECT_EQ(got, c.want) << c.text;
  }
}

}  // namespace
}  // namespace veille
