// analyze_test.cc: golden analyses, date rules, language, and the seed
// acceptance test (reader-free) when the shared corpus is present.
#include "veille/analyze.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "veille/clean.h"

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

struct Stages {
  std::unique_ptr<Cleaner> cleaner;
  std::unique_ptr<MetadataAnalyzer> analyzer;
};

const Stages& TheStages() {
  static const Stages* s = [] {
    auto c = Cleaner::Create();
    auto a = MetadataAnalyzer::Create();
    if (!c.ok() || !a.ok()) {
      ADD_FAILURE() << (c.ok() ? a.error().message : c.error().message);
      std::abort();
    }
    return new Stages{std::move(c).value(), std::move(a).value()};
  }();
  return *s;
}

json Opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

// tests/data/analyze/<case>.txt with <case>.meta.json (RawArticle fields:
// title, date, outlet, language) and <case>.expected.json.
TEST(AnalyzeGolden, AllCases) {
  const fs::path dir = "tests/data/analyze";
  int cases = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".txt") continue;
    std::string stem = e.path().stem().string();
    SCOPED_TRACE(stem);
    json meta = json::parse(ReadFile(dir / (stem + ".meta.json")));
    json want = json::parse(ReadFile(dir / (stem + ".expected.json")));
    RawArticle raw;
    raw.id = stem;
    raw.text = ReadFile(e.path());
    for (auto [key, field] : {std::pair{"title", &raw.title},
                              {"date", &raw.date},
                              {"outlet", &raw.outlet},
                              {"language", &raw.language}})
      if (meta.contains(key)) *field = meta[key].get<std::string>();
    Cleaned c = TheStages().cleaner->Clean(raw.text, nullptr);
    Analysis a = TheStages().analyzer->Analyze(raw, c);
    EXPECT_EQ(json(a.language), want["language"]);
    EXPECT_EQ(Opt(a.date), want["date"]);
    EXPECT_EQ(Opt(a.date_in_text), want["date_in_text"]);
    EXPECT_EQ(Opt(a.outlet), want["outlet"]);
    EXPECT_EQ(json(a.flags), want["flags"]);
    ++cases;
  }
  EXPECT_GE(cases, 10);
}

TEST(DateInText, Rules) {
  const MetadataAnalyzer& an = *TheStages().analyzer;
  struct Case {
    const char* text;
    const char* context;
    const char* lang;
    std::optional<std::string> want;
  } cases[] = {
      {"a déclaré ce lundi 23 août le porte-parole", "2021-08", "fr", "2021-08-23"},
      {"a déclaré ce lundi 23 août le porte-parole", "", "fr", std::nullopt},         // no year
      {"a déclaré ce mardi 23 août le porte-parole", "2021-08", "fr", std::nullopt},  // weekday
      {"a déclaré lundi 23 août 2021 le porte-parole", "", "fr", "2021-08-23"},
      {"a déclaré dimanche 23 août 2021 le porte-parole", "", "fr", std::nullopt},
      {"le 1er mai 2020, les syndicats", "", "fr", "2020-05-01"},
      {"d'ici le 31 août, les troupes", "2021-08", "fr", std::nullopt},  // bare day-month
      {"ce 23 août, la ville", "2021-08", "fr", "2021-08-23"},
      {"said on Monday, August 23 that", "2021-08", "en", "2021-08-23"},
      {"said on August 23, 2021 that", "", "en", "2021-08-23"},
      {"le 23/08/2021 à Paris", "", "fr", "2021-08-23"},
      {"on 08/23/2021 in Ohio", "", "en", "2021-08-23"},
      {"on 05/06/2021 in Ohio", "", "en", std::nullopt},  // ambiguous order
      {"publié le 2021-08-23.", "", "fr", "2021-08-23"},
      {"le 11 septembre 2001, puis ce lundi 23 août", "2021-08", "fr", "2021-08-23"},
      {"depuis le 11 septembre 2001", "2021-08", "fr", std::nullopt},  // other year
      {"ce jeudi 31 décembre", "2021-01", "fr", "2020-12-31"},         // year wrap
      {"le 31 février 2021", "", "fr", std::nullopt},
      {"en mars 2021, le chantier", "", "fr", "2021-03"},
      {"Le LUNDI 23 AOÛT 2021", "", "fr", "2021-08-23"},
      {"a déclaré ce lundi 23\xC2\xA0"
       "août",
       "2021-08", "fr", "2021-08-23"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.text) + " | " + c.context);
    EXPECT_EQ(an.DateInText(c.text, c.context, c.lang), c.want);
  }
}

TEST(DetectLanguage, FrenchEnglishAndUnknown) {
  EXPECT_EQ(DetectLanguage("Le gouvernement a annoncé jeudi un nouveau plan de soutien aux "
                           "entreprises touchées par la crise sanitaire, selon le ministre."),
            "fr");
  EXPECT_EQ(DetectLanguage("The government announced on Thursday a new support plan for "
                           "businesses hit by the health crisis, the minister said."),
            "en");
  EXPECT_EQ(DetectLanguage(""), "und");
}

TEST(MetadataAnalyzer, MissingResourceIsAnError) {
  auto r = MetadataAnalyzer::CreateFromDir("/nonexistent-veille-dir");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("dates.tsv"), std::string::npos);
}

// ---- Seed acceptance (needs the shared corpus; skipped without it). ----

fs::path SharedDir() {
  if (const char* d = std::getenv("VEILLE_SHARED_DIR")) return d;
  return "../shared";
}

std::string NormApos(std::string s) {
  for (size_t p = s.find("\xE2\x80\x99"); p != std::string::npos; p = s.find("\xE2\x80\x99", p))
    s.replace(p, 3, "'");
  return s;
}

// What a reader would do with the seed layout: a leading " date YYYY-MM"
// marker becomes the date; a first line followed by a blank line that does
// not end like a sentence is the headline.
RawArticle ReadSeed(const fs::path& p) {
  RawArticle raw;
  raw.id = p.stem().string();
  std::string text = ReadFile(p);
  if (text.rfind(" date ", 0) == 0 && text.size() > 13) {
    raw.date = text.substr(6, 7);
    text = text.substr(13);
    while (!text.empty() && text[0] == ' ') text.erase(0, 1);
  }
  size_t nl = text.find('\n');
  if (nl != std::string::npos && text.compare(nl, 2, "\n\n") == 0) {
    std::string first = text.substr(0, nl);
    while (!first.empty() && (first.back() == ' ')) first.pop_back();
    char last = first.empty() ? '.' : first.back();
    if (last != '.' && last != '!' && last != '?') {
      raw.title = first;
      text = text.substr(nl + 2);
    }
  }
  raw.text = text;
  return raw;
}

TEST(Seeds, GoldBoilerplateMetadataAndFlags) {
  fs::path gold_path = SharedDir() / "gold/seeds.json";
  fs::path seeds = SharedDir() / "corpus/seeds";
  if (!fs::exists(gold_path) || !fs::exists(seeds))
    GTEST_SKIP() << "shared corpus not found at " << SharedDir()
                 << " (set VEILLE_SHARED_DIR); seed acceptance test skipped";
  json gold = json::parse(ReadFile(gold_path))["articles"];
  int n = 0;
  for (auto& [id, g] : gold.items()) {
    fs::path file = seeds / (id + ".txt");
    if (!fs::exists(file)) continue;
    SCOPED_TRACE(id);
    RawArticle raw = ReadSeed(file);
    Cleaned c = TheStages().cleaner->Clean(raw.text, nullptr);
    Analysis a = TheStages().analyzer->Analyze(raw, c);
    std::string clean_norm = NormApos(c.text);
    for (const auto& line : g["boilerplate"]) {
      std::string l = NormApos(line.get<std::string>());
      EXPECT_EQ(clean_norm.find(l), std::string::npos) << "boilerplate kept: " << l;
      bool removed = false;
      for (const auto& r : c.removed) {
        std::string rt = NormApos(r.text);
        // The gold writes a no-break space as a plain one.
        for (size_t p = rt.find("\xC2\xA0"); p != std::string::npos; p = rt.find("\xC2\xA0", p))
          rt.replace(p, 2, " ");
        removed = removed || rt.find(l) != std::string::npos;
      }
      EXPECT_TRUE(removed) << "not among removed lines: " << l;
    }
    for (const auto& keep : g["must_keep"])
      EXPECT_NE(clean_norm.find(NormApos(keep.get<std::string>())), std::string::npos)
          << "must_keep lost: " << keep;
    EXPECT_EQ(a.language, g["language"].get<std::string>());
    EXPECT_EQ(Opt(a.outlet), g["outlet"]);
    EXPECT_EQ(json(a.flags), g["flags"]);
    EXPECT_EQ(Opt(a.date_in_text), g["date_in_text"]);
    EXPECT_EQ(Opt(a.date), g["date"]);
    ++n;
  }
  EXPECT_EQ(n, 5);
}

// Clean + Analyze throughput on OrangeSum-like JSONL (one {"text": ...} per
// line, e.g. `zcat orangesum-fr.jsonl.gz | head -5000`): set
// VEILLE_THROUGHPUT_JSONL to run; reports MB/s on one thread.
TEST(Throughput, CleanAndAnalyzeOnJsonl) {
  const char* path = std::getenv("VEILLE_THROUGHPUT_JSONL");
  if (!path) GTEST_SKIP() << "set VEILLE_THROUGHPUT_JSONL to a JSONL file to measure MB/s";
  std::ifstream in(path);
  std::vector<RawArticle> arts;
  std::string line;
  size_t bytes = 0;
  while (std::getline(in, line)) {
    json j = json::parse(line);
    RawArticle r;
    r.text = j.value("text", "");
    if (j.contains("title")) r.title = j["title"].get<std::string>();
    if (j.contains("date")) r.date = j["date"].get<std::string>();
    bytes += r.text.size();
    arts.push_back(std::move(r));
  }
  ASSERT_FALSE(arts.empty());
  const Stages& st = TheStages();  // load before timing
  auto t0 = std::chrono::steady_clock::now();
  size_t removed = 0, with_date = 0;
  for (const auto& r : arts) {
    Cleaned c = st.cleaner->Clean(r.text, nullptr);
    Analysis a = st.analyzer->Analyze(r, c);
    removed += c.removed.size();
    with_date += a.date_in_text.has_value();
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double mbps = bytes / 1e6 / secs;
  std::cout << "articles=" << arts.size() << " MB=" << bytes / 1e6 << " seconds=" << secs
            << " MB/s=" << mbps << " removed=" << removed << " date_in_text=" << with_date << "\n";
  EXPECT_GT(mbps, 15.0);
}

}  // namespace
}  // namespace veille
