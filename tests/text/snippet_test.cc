// Tests of MakeSnippet: hits marked, best window chosen, cuts shown.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "veille/query.h"
#include "veille/utf8.h"

namespace veille {
namespace {

const TextAnalyzer& A() {
  static auto a = std::move(TextAnalyzer::Create()).value();
  return *a;
}

std::string Snip(std::string_view text, std::string_view query, size_t max_tokens = 30) {
  auto q = ParseQuery(query);
  EXPECT_TRUE(q.ok());
  return MakeSnippet(A(), text, "fr", *q, {"fr", "en"}, max_tokens);
}

TEST(MakeSnippet, MarksHitsInShortText) {
  EXPECT_EQ(Snip("Les talibans sont entrés dans Kaboul.", "taliban kaboul"),
            "Les [talibans] sont entrés dans [Kaboul].");
  // Elision kept outside the mark, accents and case folded for matching.
  EXPECT_EQ(Snip("Devant l’ambassade des États-Unis.", "ambassade etats-unis"),
            "Devant l’[ambassade] des [États]-[Unis].");
  EXPECT_EQ(Snip("Trois soldats capturés.", "capturé"), "Trois soldats [capturés].");
  EXPECT_EQ(Snip("Le ministère a réagi.", "minis*"), "Le [ministère] a réagi.");
}

TEST(MakeSnippet, ExcludedWordsAreNotMarked) {
  EXPECT_EQ(Snip("Kaboul et Kandahar.", "kaboul -kandahar"), "[Kaboul] et Kandahar.");
}

TEST(MakeSnippet, PicksTheWindowWithMostHits) {
  std::string text =
      "Le marché des céréales a ouvert en hausse lundi matin dans la capitale. "
      "Les négociants restaient prudents avant la publication des chiffres. "
      "Plus tard, les talibans ont annoncé avoir pris le contrôle de Kaboul, "
      "selon un porte-parole. Les analystes attendent désormais la réaction "
      "des pays voisins et des marchés financiers de la région.";
  std::string s = Snip(text, "talibans kaboul", 8);
  EXPECT_NE(s.find("[talibans]"), std::string::npos) << s;
  EXPECT_NE(s.find("[Kaboul]"), std::string::npos) << s;
  EXPECT_EQ(s.rfind("…", 0), 0u) << "cut at the start must be shown: " << s;
  EXPECT_EQ(s.substr(s.size() - 3), "…") << s;
  EXPECT_EQ(s.find("céréales"), std::string::npos) << s;
  EXPECT_EQ(FindInvalidUtf8(s), std::string_view::npos);
}

TEST(MakeSnippet, NoHitGivesTheStart) {
  std::string s = Snip(
      "Un texte sans rapport avec la requête, assez long pour être coupé ici "
      "et encore là.",
      "kaboul", 5);
  EXPECT_EQ(s.rfind("Un texte", 0), 0u) << s;
  EXPECT_EQ(s.substr(s.size() - 3), "…") << s;
  EXPECT_EQ(s.find('['), std::string::npos);
}

TEST(MakeSnippet, CustomMarkersAndCollapsedSpace) {
  auto q = ParseQuery("kaboul");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(MakeSnippet(A(), "Vers\n\n  Kaboul", "fr", *q, {"fr"}, 30, "<b>", "</b>"),
            "Vers <b>Kaboul</b>");
  EXPECT_EQ(MakeSnippet(A(), "", "fr", *q, {"fr"}), "");
}

// SnippetMaker analyses the query once; its snippets are MakeSnippet's, for
// texts in a language of the list and in one outside it.
TEST(SnippetMaker, GivesWhatMakeSnippetGives) {
  const std::vector<std::string> texts = {
      "Les talibans sont entrés dans Kaboul. Le ministère a réagi depuis Washington.",
      "The Taliban entered Kabul on Sunday; the ministry said the embassy was closed.",
      "Rien à voir : un marché aux fleurs, des ministres en visite, des talibans nulle part.", ""};
  const std::vector<std::string> languages = {"fr", "en"};
  for (const char* query : {"taliban kaboul", "minis* -fleurs", "\"le ministère\" OR embassy"}) {
    auto q = ParseQuery(query);
    ASSERT_TRUE(q.ok()) << query;
    SnippetMaker maker(A(), *q, languages);
    for (const auto& text : texts)
      for (const char* lang : {"fr", "en", "de"})
        for (size_t max_tokens : {3, 30})
          EXPECT_EQ(maker.Make(text, lang, max_tokens, "<", ">"),
                    MakeSnippet(A(), text, lang, *q, languages, max_tokens, "<", ">"))
              << query << " / " << lang << " / " << text;
  }
}

// SnippetAt, given where the query's terms are, gives what MakeSnippet gives
// from the query (property test over random long texts and queries).
TEST(SnippetAt, AgreesWithMakeSnippetGivenTheHitPositions) {
  const std::vector<std::string> words = {
      "l'ambassade", "États-Unis", "talibans", "Kaboul",        "le",       "de",    "la", "port",
      "grève",       "dockers",    "a",        "été",           "évacuée",  "jeudi", "«",  "»",
      ",",           ".",          "\n\n",     "d'Afghanistan", "président"};
  const std::vector<std::string> queries = {"kaboul",         "talibans ambassade", "port OR grève",
                                            "etats-unis",     "evacue* jeudi",      "dockers",
                                            "président port", "afghanistan"};
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    std::string text;
    for (unsigned i = 1 + rng() % 400; i > 0; --i) text += words[rng() % words.size()] + " ";
    const std::string& query = queries[rng() % queries.size()];
    auto q = ParseQuery(query);
    ASSERT_TRUE(q.ok());
    const size_t max_tokens = 1 + rng() % 40;
    // The positions of the terms MakeSnippet marks, as the index would give
    // them: the marked words, found in the analysed token stream.
    std::string expected =
        MakeSnippet(A(), text, "fr", *q, {"fr", "en"}, max_tokens, "\x01", "\x02");
    std::vector<Token> toks;
    A().Analyze(text, "fr", &toks);
    const std::vector<std::string> languages = {"fr", "en"};
    SnippetMaker maker(A(), *q, languages);  // keeps references
    std::vector<uint32_t> positions;
    for (size_t i = 0; i < toks.size(); ++i) {
      std::string one = text.substr(toks[i].begin, toks[i].end - toks[i].begin);
      if (maker.Make(one, "fr", 1, "\x01", "\x02").find('\x01') != std::string::npos)
        positions.push_back(static_cast<uint32_t>(i));
    }
    EXPECT_EQ(SnippetAt(A(), text, "fr", positions, max_tokens, "\x01", "\x02"), expected)
        << "query " << query << ", " << max_tokens << " tokens, round " << round;
  }
}

}  // namespace
}  // namespace veille
