// Text layout: golden files, the seed articles (when present) and properties.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "veille/read.h"
#include "veille/utf8.h"

namespace veille {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> GoldenCases() {
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator("tests/data/read")) {
    if (e.path().extension() == ".txt") cases.push_back(e.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

// Each tests/data/read/<case>.txt, read through InputReader and ParseRecord,
// must give what <case>.json says.
TEST(ReadTextGolden, EveryCaseMatchesItsExpectation) {
  std::vector<fs::path> cases = GoldenCases();
  ASSERT_GE(cases.size(), 8u) << "golden cases missing; run from the repository root";
  for (const fs::path& txt : cases) {
    SCOPED_TRACE(txt.string());
    fs::path expected_path = txt;
    expected_path.replace_extension(".json");
    auto expected = nlohmann::json::parse(Slurp(expected_path));

    auto reader = InputReader::Open({txt.string()});
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    InputRecord record;
    std::vector<Diagnostic> problems;
    ASSERT_TRUE((*reader)->Next(&record, &problems));
    EXPECT_TRUE(problems.empty());
    EXPECT_EQ(record.id_hint, expected["id"].get<std::string>());

    auto article = ParseRecord(record);
    ASSERT_TRUE(article.ok()) << article.error().message;
    EXPECT_EQ(article->id, expected["id"].get<std::string>());
    EXPECT_EQ(article->source, txt.string());
    EXPECT_EQ(article->source_group, txt.parent_path().string());
    if (expected["title"].is_null()) {
      EXPECT_FALSE(article->title.has_value()) << "unexpected title: " << *article->title;
    } else {
      ASSERT_TRUE(article->title.has_value());
      EXPECT_EQ(*article->title, expected["title"].get<std::string>());
    }
    if (expected["date"].is_null()) {
      EXPECT_FALSE(article->date.has_value());
    } else {
      ASSERT_TRUE(article->date.has_value());
      EXPECT_EQ(*article->date, expected["date"].get<std::string>());
    }
    std::string prefix = expected["text_prefix"];
    std::string suffix = expected["text_suffix"];
    EXPECT_EQ(article->text.substr(0, prefix.size()), prefix);
    ASSERT_GE(article->text.size(), suffix.size());
    EXPECT_EQ(article->text.substr(article->text.size() - suffix.size()), suffix);
    EXPECT_EQ(article->text.find('\r'), std::string::npos);
    EXPECT_EQ(FindInvalidUtf8(article->text), std::string::npos);
    EXPECT_EQ(article->diagnostics.size(), expected["warnings"].get<size_t>());
    EXPECT_EQ(article->metadata_json, "{}");
    EXPECT_FALSE((*reader)->Next(&record, &problems));
  }
}

// The headline and body together hold every non-blank character of the
// file after the date marker: nothing is lost or invented.
TEST(ReadTextGolden, TitlePlusBodyKeepAllText) {
  for (const fs::path& txt : GoldenCases()) {
    SCOPED_TRACE(txt.string());
    std::string bytes = Slurp(txt);
    auto a = ParseTextArticle("x", txt.string(), bytes);
    ASSERT_TRUE(a.ok());
    if (!a->diagnostics.empty()) continue;  // repaired bytes differ by design
    auto strip = [](std::string s) {
      std::string out;
      for (char c : s)
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') out += c;
      return out;
    };
    std::string all = strip(bytes);
    if (all.rfind("\xEF\xBB\xBF", 0) == 0) all.erase(0, 3);
    std::string got = strip(a->title.value_or("") + a->text);
    if (a->date) got = strip("date " + *a->date) + got;
    EXPECT_EQ(got, all);
  }
}

TEST(ReadText, EmptyOrBlankIsAnError) {
  for (std::string_view bytes : {"", "   \n\n\t", "\xEF\xBB\xBF\n", " date 2021-08 \n"}) {
    auto a = ParseTextArticle("empty", "dir/empty.txt", bytes);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().code, Error::Code::kBadInput);
    EXPECT_NE(a.error().message.find("dir/empty.txt"), std::string::npos);
  }
}

TEST(ReadText, DateMarkerNeedsAValidDate) {
  auto a = ParseTextArticle("x", "x.txt", " date 2021-13 Le texte commence ici.\n");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->date.has_value());
  EXPECT_EQ(a->text, "date 2021-13 Le texte commence ici.");

  auto b = ParseTextArticle("x", "x.txt", "date 2020-02-29\nLe texte commence ici.\n");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->date.value_or(""), "2020-02-29");
  EXPECT_EQ(b->text, "Le texte commence ici.");
}

TEST(ReadText, HeadlineFollowedOnlyByCreditIsACaption) {
  auto a = ParseTextArticle("x", "x.txt",
                            "Un convoi humanitaire à la frontière\n\nCrédit photo : Paul Durand\n");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->title.has_value());
}

TEST(ReadText, TwoShortLinesAreNotHeadlineAndBody) {
  // A list or a kicker over a headline: the first line is not followed by
  // body text, so no headline is claimed.
  auto a = ParseTextArticle("x", "x.txt", "Politique intérieure et réformes\nLe budget voté\n");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->title.has_value());
}

TEST(ReadText, SentenceBreakInsideFirstLineMeansParagraph) {
  auto a = ParseTextArticle("x", "x.txt",
                            "Les talibans avancent vers la capitale. Washington se dit inquiet\n\n"
                            "Suite du texte.\n");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->title.has_value());
  auto b = ParseTextArticle("x", "x.txt",
                            "M. Dupont quitte la mairie de Lille\n\nLe maire a démissionné.\n");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->title.value_or(""), "M. Dupont quitte la mairie de Lille");
}

// The five seed articles, when the shared data is present: the headline
// exists exactly where the gold says, and the marker dates are read.
TEST(ReadTextSeeds, TitlesMatchGold) {
  fs::path root;
  for (const char* candidate : {"../shared", "/work/shared"}) {
    if (fs::exists(fs::path(candidate) / "corpus/seeds")) {
      root = candidate;
      break;
    }
  }
  if (root.empty()) GTEST_SKIP() << "shared data (../shared/corpus/seeds) not found: skipped";
  auto gold = nlohmann::json::parse(Slurp(root / "gold/seeds.json"));
  const auto& articles = gold.contains("articles") ? gold["articles"] : gold;

  auto reader = InputReader::Open({(root / "corpus/seeds").string()});
  ASSERT_TRUE(reader.ok());
  InputRecord record;
  std::vector<Diagnostic> problems;
  int seen = 0, titled = 0;
  while ((*reader)->Next(&record, &problems)) {
    auto a = ParseRecord(record);
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_TRUE(articles.contains(a->id)) << a->id;
    const auto& g = articles[a->id];
    SCOPED_TRACE(a->id);
    if (g["title"].is_null()) {
      EXPECT_FALSE(a->title.has_value()) << *a->title;
    } else {
      ++titled;
      EXPECT_EQ(a->title.value_or("<none>"), g["title"].get<std::string>());
    }
    if (g["date"].is_null()) {
      EXPECT_FALSE(a->date.has_value());
    } else {
      EXPECT_EQ(a->date.value_or("<none>"), g["date"].get<std::string>());
    }
    EXPECT_FALSE(a->text.empty());
    ++seen;
  }
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(seen, 5);
  EXPECT_EQ(titled, 2);
}

// Random bytes, biased towards the characters the layout rules look at,
// never crash the parser, and what comes out is valid UTF-8 with a one-line
// headline and a non-empty body.
TEST(ReadTextProperty, RandomInputGivesValidOutput) {
  static const std::vector<std::string> kPieces = {"\n",
                                                   "\n\n",
                                                   " ",
                                                   "\r\n",
                                                   "date ",
                                                   " date 2021-08 ",
                                                   "2021-08-",
                                                   ".",
                                                   "?",
                                                   "Le ",
                                                   "la ",
                                                   "Source : ",
                                                   "©",
                                                   "\xC2\xA0",
                                                   "\xEF\xBB\xBF",
                                                   "\xC3\xA9",
                                                   "\xE2\x80\x99",
                                                   "\xC2\xAB",
                                                   "\xFF",
                                                   "\xC3",
                                                   "\x80",
                                                   "M. ",
                                                   "VIDÉO. ",
                                                   "Titre court",
                                                   "1 juin",
                                                   "\t",
                                                   "*",
                                                   std::string(1, '\0')};
  std::mt19937 rng(20240601);
  int titled = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    std::string bytes;
    int pieces = static_cast<int>(rng() % 30);
    for (int i = 0; i < pieces; ++i) {
      if (rng() % 4 == 0) {
        bytes += static_cast<char>(rng() % 256);
      } else {
        bytes += kPieces[rng() % kPieces.size()];
      }
    }
    auto a = ParseTextArticle("id", "rand.txt", bytes);
    if (!a.ok()) {
      EXPECT_EQ(a.error().code, Error::Code::kBadInput);
      continue;
    }
    EXPECT_EQ(FindInvalidUtf8(a->text), std::string::npos) << bytes;
    EXPECT_FALSE(a->text.empty());
    if (a->title) {
      ++titled;
      EXPECT_EQ(FindInvalidUtf8(*a->title), std::string::npos);
      EXPECT_EQ(a->title->find('\n'), std::string::npos);
      EXPECT_FALSE(a->title->empty());
    }
    if (a->date) {
      EXPECT_EQ(NormalizeDate(*a->date), *a->date);
    }
  }
  EXPECT_GT(titled, 10) << "inputs never reach the headline path";
}

}  // namespace
}  // namespace veille
