// quotes_test.cc: golden files, properties and the seeds/PolNeAR bars of the
// quote extractor.
#include "veille/quotes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "veille/utf8.h"

namespace veille {
namespace {

namespace fs = std::filesystem;

const QuoteExtractor& Extractor() {
  static std::unique_ptr<QuoteExtractor> ex = [] {
    auto r = QuoteExtractor::Create();
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r.value()) : nullptr;
  }();
  return *ex;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ------------------------------------------------------------ golden files --

// Each tests/data/quotes/<lang>_<case>.txt sits beside <case>.expected.json:
// the quotes in order with text, speaker (null when nobody is named), role
// and cue. Every field is compared.
TEST(QuotesGolden, AllCases) {
  fs::path dir = "tests/data/quotes";
  ASSERT_TRUE(fs::is_directory(dir)) << "run from the repository root";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".txt") continue;
    fs::path expected_path = entry.path();
    expected_path.replace_extension(".expected.json");
    ASSERT_TRUE(fs::exists(expected_path)) << expected_path;
    std::string name = entry.path().stem().string();
    std::string lang = name.substr(0, name.find('_'));
    std::string text = ReadAll(entry.path());
    nlohmann::json expected = nlohmann::json::parse(ReadAll(expected_path));
    std::vector<Quote> got = Extractor().Extract(text, lang, {});
    SCOPED_TRACE(name);
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
      const auto& e = expected[i];
      EXPECT_EQ(got[i].text, e["text"].get<std::string>());
      if (e["speaker"].is_null()) {
        EXPECT_FALSE(got[i].speaker.has_value()) << *got[i].speaker;
      } else {
        ASSERT_TRUE(got[i].speaker.has_value()) << e["speaker"];
        EXPECT_EQ(*got[i].speaker, e["speaker"].get<std::string>());
      }
      EXPECT_EQ(got[i].speaker_role, e["speaker_role"].get<std::string>());
      EXPECT_EQ(got[i].cue, e["cue"].get<std::string>());
      // The attribution classes' cases also give the kind and partial flag.
      if (e.contains("speaker_kind"))
        EXPECT_EQ(SpeakerKindName(got[i].speaker_kind), e["speaker_kind"].get<std::string>());
      if (e.contains("partial")) EXPECT_EQ(got[i].partial, e["partial"].get<bool>());
    }
    ++cases;
  }
  EXPECT_GE(cases, 12);
}

// ------------------------------------------------------- targeted checks --

TEST(Quotes, ApostropheIsNeverAQuoteMark) {
  // ’ inside words, and a ‘…’ quotation holding apostrophes.
  std::string text =
      "L’homme n’a rien dit. The mayor’s aide said: ‘It’s over, and we won’t appeal.’";
  auto q = Extractor().Extract(text, "", {});
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].text, "It’s over, and we won’t appeal.");
}

TEST(Quotes, UnclosedStraightQuoteEndsAtIncise) {
  // The closing mark was lost: the quotation stops at its incise, and the
  // next quotation is still found.
  std::string text =
      "\"Les salaires doivent augmenter, a-t-il insisté. Il a ajouté : \"On va se revoir\".";
  auto q = Extractor().Extract(text, "fr", {});
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].text, "Les salaires doivent augmenter");
  EXPECT_EQ(q[1].text, "On va se revoir");
}

TEST(Quotes, HintsGiveCanonicalNames) {
  std::string text = "« Nous tiendrons nos promesses », a déclaré le Premier ministre Castex.";
  SpeakerHint h;
  h.text = "Castex";
  h.type = "PER";
  h.begin = uint32_t(text.find("Castex"));
  h.end = h.begin + 6;
  h.canonical = "Jean Castex";
  auto q = Extractor().Extract(text, "fr", {h});
  ASSERT_EQ(q.size(), 1u);
  ASSERT_TRUE(q[0].speaker.has_value());
  EXPECT_EQ(*q[0].speaker, "Jean Castex");
  EXPECT_EQ(text.substr(q[0].speaker_begin, q[0].speaker_end - q[0].speaker_begin), "Castex");
}

TEST(Quotes, NoQuoteMarksNoQuotes) {
  EXPECT_TRUE(Extractor().Extract("Il a déclaré que tout allait bien.", "fr", {}).empty());
  EXPECT_TRUE(Extractor().Extract("", "fr", {}).empty());
}

TEST(Quotes, MissingDataFolderIsAnError) {
  auto r = QuoteExtractor::CreateFrom("/nonexistent/quotes");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent/quotes"), std::string::npos);
}

TEST(QuotesEval, OverlapIsShareOfGoldCovered) {
  EXPECT_DOUBLE_EQ(QuoteOverlap("abc def", "xx ABC DEF yy"), 1.0);
  EXPECT_LT(QuoteOverlap("abcdefghij", "abcde"), 0.8);
  EXPECT_DOUBLE_EQ(QuoteOverlap("l’homme", "l'homme"), 1.0);
}

// -------------------------------------------------------------- properties --

// Quotes lie inside the text, begin < end, in order and non-overlapping,
// and extraction survives arbitrary UTF-8 built from quote-heavy pieces.
TEST(QuotesProperty, InvariantsOnRandomText) {
  const char* pieces[] = {"«",
                          "»",
                          "\"",
                          "“",
                          "”",
                          "„",
                          "‘",
                          "’",
                          "‹",
                          "›",
                          " ",
                          "\u00A0",
                          "\n",
                          ".",
                          ",",
                          "a déclaré",
                          "a-t-il ajouté",
                          "Jean Dupont",
                          "le ministre",
                          "selon",
                          "il",
                          "said",
                          "Smith",
                          "l’homme",
                          "M.",
                          "(",
                          ")",
                          "—",
                          "é",
                          "x",
                          "Les",
                          "\xF0\x9F\x98\x80"};
  std::mt19937 rng(42);
  std::uniform_int_distribution<size_t> pick(0, std::size(pieces) - 1);
  std::uniform_int_distribution<int> len(0, 80);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text;
    int n = len(rng);
    for (int i = 0; i < n; ++i) text += pieces[pick(rng)];
    if (iter % 3 == 0) {
      // Random bytes, repaired as readers do.
      std::uniform_int_distribution<int> byte(0, 255);
      std::string junk;
      for (int i = 0; i < 20; ++i) junk.push_back(char(byte(rng)));
      text += RepairUtf8(junk);
    }
    auto quotes = Extractor().Extract(text, iter % 2 ? "fr" : "en", {});
    uint32_t prev_end = 0;
    for (const Quote& q : quotes) {
      ASSERT_LT(q.begin, q.end) << text;
      ASSERT_LE(q.end, text.size()) << text;
      ASSERT_GE(q.begin, prev_end) << text;
      ASSERT_LE(q.speaker_begin, q.speaker_end);
      ASSERT_LE(q.speaker_end, text.size());
      ASSERT_EQ(FindInvalidUtf8(q.text), std::string_view::npos);
      ASSERT_FALSE(q.text.empty());
      prev_end = q.end;
    }
  }
}

// ------------------------------------------------------------- evaluations --

const char* kShared = "../shared";

TEST(QuotesEval, SeedsBar) {
  std::string dir = std::string(kShared) + "/corpus/seeds";
  std::string gold = std::string(kShared) + "/gold/seeds.json";
  if (!fs::exists(gold)) GTEST_SKIP() << "shared gold data not present";
  auto r = EvaluateSeeds(Extractor(), dir, gold);
  ASSERT_TRUE(r.ok()) << r.error().message;
  for (const auto& e : r->errors) std::cerr << "  " << e << "\n";
  EXPECT_EQ(r->matched_gold, r->gold);
  EXPECT_GE(r->precision(), 0.9);
  EXPECT_GE(r->speaker_accuracy(), 0.9);
}

TEST(QuotesEval, PolnearDevBar) {
  std::string dir = std::string(kShared) + "/data/quotes/polnear/dev";
  if (!fs::exists(dir)) GTEST_SKIP() << "PolNeAR not present";
  auto r = EvaluatePolnear(Extractor(), dir);
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::cerr << r->Summary() << "\n";
  EXPECT_GE(r->f1(), 0.85);
  EXPECT_GE(r->speaker_accuracy(), 0.85);
  EXPECT_GE(r->named_accuracy(), 0.88);
}

}  // namespace
}  // namespace veille
