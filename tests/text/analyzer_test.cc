// Tests of the text analyzer: tables of input text and expected terms
// (Xapian style), a golden file, and property tests on random input.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "veille/text.h"
#include "veille/utf8.h"

namespace veille {
namespace {

const TextAnalyzer& A() {
  static auto a = [] {
    auto r = TextAnalyzer::Create();
    if (!r.ok()) {
      ADD_FAILURE() << r.error().message;
      std::abort();
    }
    return std::move(r).value();
  }();
  return *a;
}

std::string Terms(std::string_view text, std::string_view lang) {
  std::vector<Token> toks;
  A().Analyze(text, lang, &toks);
  std::string s;
  for (const auto& t : toks) {
    if (!s.empty()) s += ' ';
    s += t.term;
  }
  return s;
}

struct Case {
  const char* lang;
  const char* text;
  const char* terms;
};

TEST(Analyzer, TermTable) {
  const Case cases[] = {
      // Fold only (no language): case, accents, elision, hyphens.
      {"", "Kaboul", "kaboul"},
      {"", "L’État", "etat"},
      {"", "l'ambassade", "ambassade"},
      {"", "États-Unis", "etats unis"},
      {"", "jusqu’à lorsqu'il puisqu'elle", "a il elle"},
      {"", "aujourd'hui", "aujourd hui"},
      {"", "cœur ÆON Øresund straße", "coeur aeon oresund strasse"},
      {"", "ÇA GARÇON naïve", "ca garcon naive"},
      {"", "１２３ ＡＢＣ", "123 abc"},  // full-width forms (NFKD)
      {"", "e\xCC\x81tat", "etat"},      // decomposed accent
      {"",
       "co\xC2\xAD"
       "opération",
       "cooperation"},  // soft hyphen joins
      {"", "1 000 soldats, 2,5 %", "1 000 soldats 2 5"},
      {"", "COVID-19", "covid 19"},
      {"", "l'", "l"},  // no word after: not an elision
      {"", "«Kaboul»—Paris", "kaboul paris"},
      {"", "東京に", "東 京 に"},  // no spaces in Japanese: one term per character
      {"", "Москва́", "москва"},
      // French: stop words and stemming.
      {"fr", "Les talibans ont capturé la ville", "taliban captur vill"},
      {"fr", "des soldats capturés et capturées", "soldat captur captur"},
      {"fr", "L'ambassade des États-Unis à Kaboul", "ambassad etat unis kaboul"},
      {"fr", "qu'il était d'accord", "etait accord"},
      {"fr", "Le ministère", "minister"},
      {"fr", "ministere", "minister"},
      // English.
      {"en", "The Taliban captured the embassy's gates", "taliban captur embassi gate"},
      {"en", "It's running, isn't it?", "run isn"},
      // Unknown language: no stemming, no stop words.
      {"xx", "Les talibans", "les talibans"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Terms(c.text, c.lang), c.terms) << "lang=" << c.lang << " text=" << c.text;
  }
}

TEST(Analyzer, AccentedAndPlainFormsIndexAlike) {
  // Users type without accents; the index must not care.
  // (Endings like "ée" stem differently without the accent: "Élysée" ->
  // elys, "elysee" -> elyse; queries cover that with AccentVariants.)
  for (auto [accented, plain] : {std::pair{"États", "etats"},
                                 {"capturé", "capture"},
                                 {"capturés", "captures"},
                                 {"ministère", "ministere"}}) {
    EXPECT_EQ(Terms(accented, "fr"), Terms(plain, "fr")) << accented;
  }
  EXPECT_EQ(Terms("talibans", "fr"), Terms("taliban", "fr"));
  EXPECT_EQ(Terms("talibans", "en"), Terms("Taliban", "en"));
}

TEST(Analyzer, Offsets) {
  std::vector<Token> toks;
  std::string text = "À l’ambassade, 3 soldats.";
  A().Analyze(text, "fr", &toks);
  ASSERT_EQ(toks.size(), 3u);
  EXPECT_EQ(text.substr(toks[0].begin, toks[0].end - toks[0].begin), "ambassade");
  EXPECT_EQ(text.substr(toks[1].begin, toks[1].end - toks[1].begin), "3");
  EXPECT_EQ(text.substr(toks[2].begin, toks[2].end - toks[2].begin), "soldats");
}

TEST(Analyzer, Fold) {
  EXPECT_EQ(A().Fold("L’État"), "etat");
  EXPECT_EQ(A().Fold("KABOUL"), "kaboul");
  EXPECT_EQ(A().Fold("Capturés"), "captures");
  EXPECT_EQ(A().Fold("Straße"), "strasse");
  EXPECT_EQ(A().Fold("!!!"), "");
}

TEST(Analyzer, StopWords) {
  EXPECT_TRUE(A().IsStopWord("les", "fr"));
  EXPECT_TRUE(A().IsStopWord("ou", "fr"));  // où, folded
  EXPECT_TRUE(A().IsStopWord("the", "en"));
  EXPECT_FALSE(A().IsStopWord("the", "fr"));
  EXPECT_FALSE(A().IsStopWord("kaboul", "fr"));
  EXPECT_FALSE(A().IsStopWord("les", ""));
  EXPECT_EQ(Terms("le la les de des du", "fr"), "");
}

TEST(Analyzer, AccentVariants) {
  auto v = A().AccentVariants("elysee", "fr");
  EXPECT_NE(std::find(v.begin(), v.end(), "elysée"), v.end());
  EXPECT_TRUE(A().AccentVariants("elysée", "fr").empty());  // already accented
  EXPECT_TRUE(A().AccentVariants("elysee", "xx").empty());
  EXPECT_TRUE(A().AccentVariants("ne", "fr").empty());  // too short
}

TEST(Analyzer, Languages) {
  auto langs = A().Languages();
  for (const char* l : {"fr", "en", "de", "es", "it", "pt", "ru"})
    EXPECT_NE(std::find(langs.begin(), langs.end(), l), langs.end()) << l;
  EXPECT_TRUE(std::is_sorted(langs.begin(), langs.end()));
}

TEST(Analyzer, GoldenFrench) {
  // tests/data/text/analyze_fr.txt: invented French news text; .terms: one
  // line of expected terms per input line. Regenerate deliberately only.
  std::ifstream in("tests/data/text/analyze_fr.txt"), exp("tests/data/text/analyze_fr.terms");
  ASSERT_TRUE(in && exp) << "golden files missing (run from the repository root)";
  std::string line, want;
  int n = 0;
  while (std::getline(in, line)) {
    ASSERT_TRUE(std::getline(exp, want)) << "expected file too short at line " << n + 1;
    EXPECT_EQ(Terms(line, "fr"), want) << "line " << n + 1 << ": " << line;
    ++n;
  }
  EXPECT_GT(n, 5);
}

TEST(Analyzer, TermsAreFixedPointsOfFolding) {
  // The FTS5 query path depends on this: an analysed term, tokenized again
  // with no language, comes back as exactly one identical term.
  std::ifstream in("tests/data/text/analyze_fr.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str() + " Москва́ 東京 straße ΑΘΗΝΑ ǅemal ﬁnale cœur ½ x²";
  for (const char* lang : {"fr", "en", "de", "ru", ""}) {
    std::vector<Token> toks;
    A().Analyze(text, lang, &toks);
    ASSERT_FALSE(toks.empty());
    for (const auto& t : toks) {
      std::vector<Token> again;
      A().Analyze(t.term, "", &again);
      ASSERT_EQ(again.size(), 1u) << t.term;
      EXPECT_EQ(again[0].term, t.term);
    }
  }
}

std::string RandomText(std::mt19937& rng, size_t len) {
  static const char* pieces[] = {"a",   "É",        "l'", "’", "-", " ",        "ß",
                                 "œ",   "\xCC\x81", "東", "😀", "1", "\xC2\xAD", "\x1F",
                                 "qu’", "\n",       ".",  "Ω", "ǅ"};
  std::string s;
  while (s.size() < len) {
    if (rng() % 4 == 0) {
      s += static_cast<char>(rng() % 256);  // raw byte: often invalid UTF-8
    } else {
      s += pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
    }
  }
  return s;
}

TEST(Analyzer, PropertyRandomInput) {
  std::mt19937 rng(12345);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text = RandomText(rng, rng() % 80);
    for (const char* lang : {"fr", "en", ""}) {
      std::vector<Token> toks;
      A().Analyze(text, lang, &toks);
      uint32_t prev = 0;
      for (const auto& t : toks) {
        ASSERT_FALSE(t.term.empty());
        ASSERT_LT(t.begin, t.end);
        ASSERT_LE(t.end, text.size());
        ASSERT_GE(t.begin, prev) << "tokens out of order";
        prev = t.end;
        ASSERT_EQ(FindInvalidUtf8(t.term), std::string_view::npos) << "term is not UTF-8";
      }
    }
    std::string norm = NormalizeForHash(text);
    ASSERT_EQ(NormalizeForHash(norm), norm) << "NormalizeForHash is not idempotent";
  }
}

TEST(Analyzer, ThreadSafe) {
  std::string text = "Les talibans ont capturé l'ambassade des États-Unis à Kaboul. ";
  std::string expected = Terms(text, "fr");
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i)
        if (Terms(text, i % 2 ? "fr" : "en").empty()) ++bad;
      if (Terms(text, "fr") != expected) ++bad;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST(NormalizeForHash, CollapsesAndFolds) {
  EXPECT_EQ(NormalizeForHash("  Les  Talibans\n\tà KABOUL \xC2\xA0 "), "les talibans à kaboul");
  EXPECT_EQ(NormalizeForHash(""), "");
  EXPECT_EQ(NormalizeForHash(" \n "), "");
  EXPECT_EQ(NormalizeForHash("ÉTAT"), "état");
  EXPECT_EQ(NormalizeForHash("a\xFF"
                             "b"),
            "a\xFF"
            "b");  // invalid bytes kept
}

TEST(TagLanguage, Format) {
  EXPECT_EQ(TagLanguage("fr", "texte"), std::string("\x1F"
                                                    "fr"
                                                    "\x1F"
                                                    "texte"));
  EXPECT_EQ(TagLanguage("", "texte"), "texte");
}

}  // namespace
}  // namespace veille
