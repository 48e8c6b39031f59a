// clean_test.cc: golden files, sentence splitting, fingerprints, properties.
#include "veille/clean.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "clean/text_util.h"
#include "veille/utf8.h"

namespace veille {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const Cleaner& TheCleaner() {
  static const Cleaner* c = [] {
    auto r = Cleaner::Create();
    if (!r.ok()) {
      ADD_FAILURE() << r.error().message;
      std::abort();
    }
    return std::move(r).value().release();
  }();
  return *c;
}

json ToJson(const Cleaned& c) {
  json removed = json::array();
  for (const auto& r : c.removed) removed.push_back({{"text", r.text}, {"reason", r.reason}});
  return {{"text", c.text}, {"removed", removed}};
}

std::vector<std::string> Sentences(const Cleaned& c) {
  std::vector<std::string> out;
  for (const Span& s : c.sentences) out.push_back(c.text.substr(s.begin, s.end - s.begin));
  return out;
}

// tests/data/clean/<case>.txt -> <case>.expected.json ({"text", "removed",
// optionally "sentences"}); <case>.recurring.txt, if present, lists lines
// that recur across the source. VEILLE_DUMP_GOLDEN=1 prints actual output.
TEST(CleanGolden, AllCases) {
  const fs::path dir = "tests/data/clean";
  int cases = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (e.path().extension() != ".txt" || name.find(".recurring.") != std::string::npos) continue;
    std::string stem = e.path().stem().string();
    SCOPED_TRACE(stem);
    std::unordered_set<uint64_t> recurring;
    fs::path rec = dir / (stem + ".recurring.txt");
    if (fs::exists(rec)) {
      std::istringstream lines(ReadFile(rec));
      std::string l;
      while (std::getline(lines, l))
        if (!l.empty()) recurring.insert(LineFingerprint(l));
    }
    Cleaned c = TheCleaner().Clean(ReadFile(e.path()), recurring.empty() ? nullptr : &recurring);
    json actual = ToJson(c);
    actual["sentences"] = Sentences(c);
    if (std::getenv("VEILLE_DUMP_GOLDEN")) {
      std::cout << "== " << stem << "\n" << actual.dump(2) << "\n";
      continue;
    }
    fs::path exp_path = dir / (stem + ".expected.json");
    ASSERT_TRUE(fs::exists(exp_path)) << exp_path;
    json expected = json::parse(ReadFile(exp_path));
    EXPECT_EQ(actual["text"], expected["text"]);
    EXPECT_EQ(actual["removed"], expected["removed"]);
    if (expected.contains("sentences")) {
      EXPECT_EQ(actual["sentences"], expected["sentences"]);
    }
    ++cases;
  }
  if (!std::getenv("VEILLE_DUMP_GOLDEN")) {
    EXPECT_GE(cases, 10);
  }
}

std::vector<std::string> Split(std::string_view t) {
  std::vector<std::string> out;
  for (const Span& s : SplitSentences(t)) out.emplace_back(t.substr(s.begin, s.end - s.begin));
  return out;
}

TEST(SplitSentences, Table) {
  struct Case {
    const char* text;
    std::vector<std::string> want;
  } cases[] = {
      {"Il pleut. Le match est reporté.", {"Il pleut.", "Le match est reporté."}},
      {"Trois blessés\".L'incident a eu lieu jeudi.Le gouvernement réagit.",
       {"Trois blessés\".", "L'incident a eu lieu jeudi.", "Le gouvernement réagit."}},
      {"M. Macron est arrivé. Mme Dupont aussi.", {"M. Macron est arrivé.", "Mme Dupont aussi."}},
      {"J.-P. Sartre et J. Chirac.", {"J.-P. Sartre et J. Chirac."}},
      {"La croissance atteint 3.5 % et 16.000 emplois.",
       {"La croissance atteint 3.5 % et 16.000 emplois."}},
      {"Voir www.Example.com pour tout.Fin.", {"Voir www.Example.com pour tout.", "Fin."}},
      {"« Pourquoi ? », a-t-il demandé. Personne.",
       {"« Pourquoi ? », a-t-il demandé.", "Personne."}},
      {"Il a dit : « C’est fini. » Puis il est parti.",
       {"Il a dit : « C’est fini. »", "Puis il est parti."}},
      {"\"pas à la hauteur\".\"Le ministre parle\", dit-il.",
       {"\"pas à la hauteur\".", "\"Le ministre parle\", dit-il."}},
      {"Il a dit \"c'est fini.\"Le lendemain, rien.",
       {"Il a dit \"c'est fini.\"", "Le lendemain, rien."}},
      {"Première ligne\nDeuxième ligne", {"Première ligne", "Deuxième ligne"}},
      {"En 2020.Les chiffres sont bons!Vraiment?Oui…Bien.",
       {"En 2020.", "Les chiffres sont bons!", "Vraiment?", "Oui…", "Bien."}},
      {"Le Dr. Martin est là.", {"Le Dr. Martin est là."}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(Split(c.text), c.want);
  }
}

TEST(Fingerprint, FoldsSpacingCaseAndApostrophes) {
  EXPECT_EQ(LineFingerprint("Rejoignez  l’équipe SUR Telegram"),
            LineFingerprint("rejoignez l'équipe sur telegram "));
  EXPECT_EQ(LineFingerprint("Caf\xC3\xA9 \xC2\xA0"
                            "du coin"),
            LineFingerprint("CAFE\xCC\x81 du coin"));
  EXPECT_NE(LineFingerprint("Suivez-nous sur Facebook"),
            LineFingerprint("Suivez-nous sur Twitter"));
}

TEST(Fingerprint, CandidatesAreBoundedAndDeduplicated) {
  std::string text = "court\n  Une ligne répétée  \nUne ligne répétée\n" + std::string(401, 'x') +
                     "\n" + std::string(400, 'y');
  auto f = CandidateLineFingerprints(text);
  ASSERT_EQ(f.size(), 2u);  // "court" too short, 401 too long, duplicate once
  EXPECT_EQ(f[0], LineFingerprint("Une ligne répétée"));
  EXPECT_EQ(f[1], LineFingerprint(std::string(400, 'y')));
}

TEST(Cleaner, BadPatternNamesFileAndLine) {
  fs::path dir = fs::temp_directory_path() / "veille_clean_bad_pattern";
  fs::create_directories(dir);
  std::ofstream(dir / "a.txt") << "# comment\nshare-prompt line ^ok$\ncredit line ^(unclosed\n";
  std::ofstream(dir / "abbreviations.lst") << "M\n";
  auto r = Cleaner::CreateFromDir(dir.string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("a.txt:3"), std::string::npos) << r.error().message;
  std::ofstream(dir / "a.txt") << "credit sometimes ^x$\n";
  auto r2 = Cleaner::CreateFromDir(dir.string());
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message.find("a.txt:1"), std::string::npos) << r2.error().message;
  fs::remove_all(dir);
}

TEST(Cleaner, HasEnoughPatterns) { EXPECT_GE(TheCleaner().pattern_count(), 40u); }

TEST(Cleaner, LongParagraphIsNeverRemovedByALinePattern) {
  std::string para = "Partagez cet article : " + std::string(500, 'a');
  Cleaned c = TheCleaner().Clean(para, nullptr);
  EXPECT_TRUE(c.removed.empty());
  EXPECT_EQ(c.text, para);
}

TEST(Cleaner, SlugAfterUrlIsKept) {
  Cleaned c = TheCleaner().Clean("Plus d'informations sur www.exemple.fr/ab/cd", nullptr);
  EXPECT_TRUE(c.removed.empty());
}

TEST(Cleaner, InvalidUtf8IsRepaired) {
  Cleaned c = TheCleaner().Clean("Bonjour \xFF le monde.\nSuivez-nous sur Twitter", nullptr);
  EXPECT_EQ(FindInvalidUtf8(c.text), std::string_view::npos);
  ASSERT_EQ(c.removed.size(), 1u);
  EXPECT_EQ(c.removed[0].reason, "follow-prompt");
}

// Properties over every golden input and random mixtures of their lines:
// cleaning clean text removes nothing more; every removed line was in the
// (NFC) input; the output is valid UTF-8 and NFC; sentence spans are ordered,
// inside the text and non-empty.
void CheckProperties(const std::string& input) {
  Cleaned c = TheCleaner().Clean(input, nullptr);
  std::string nfc = clean_internal::ToNfc(RepairUtf8(input));
  for (const auto& r : c.removed) {
    EXPECT_FALSE(r.text.empty());
    EXPECT_NE(nfc.find(r.text), std::string::npos) << r.text;
    EXPECT_FALSE(r.reason.empty());
  }
  EXPECT_EQ(FindInvalidUtf8(c.text), std::string_view::npos);
  EXPECT_TRUE(clean_internal::IsNfc(c.text));
  uint32_t prev = 0;
  for (const Span& s : c.sentences) {
    EXPECT_LT(s.begin, s.end);
    EXPECT_GE(s.begin, prev);
    EXPECT_LE(s.end, c.text.size());
    prev = s.end;
  }
  Cleaned again = TheCleaner().Clean(c.text, nullptr);
  EXPECT_TRUE(again.removed.empty()) << again.removed[0].text;
  EXPECT_EQ(again.text, c.text);
}

TEST(CleanProperties, GoldenInputsAndShuffles) {
  std::vector<std::string> lines;
  for (const auto& e : fs::directory_iterator("tests/data/clean")) {
    if (e.path().extension() != ".txt") continue;
    std::string text = ReadFile(e.path());
    SCOPED_TRACE(e.path().string());
    CheckProperties(text);
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l)) lines.push_back(l);
  }
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::string text;
    int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      text += lines[rng() % lines.size()];
      text += (rng() % 3 == 0) ? "\n\n" : "\n";
    }
    SCOPED_TRACE(text);
    CheckProperties(text);
  }
}

}  // namespace
}  // namespace veille
