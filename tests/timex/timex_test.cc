// timex_test.cc: recognition and normalisation of French and English time
// expressions, the TimeML reader and scorer, and properties of Find().
#include "veille/timex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>

namespace veille::timex {
namespace {

std::string ReadFile(const std::string& path);

struct Want {
  std::string text;   // the expression's words
  std::string type;   // DATE, TIME, DURATION, SET
  std::string value;  // TIMEX3 value
};

// Finds `w.text` among the expressions of `text` and checks type and value.
void ExpectOne(const std::string& text, const char* lang, const char* anchor, const Want& w) {
  auto got = Find(text, lang, anchor);
  std::string seen;
  for (const auto& e : got) {
    std::string s = text.substr(e.begin, e.end - e.begin);
    seen += "[" + s + " " + TypeName(e.type) + " " + e.value + "] ";
    if (s == w.text) {
      EXPECT_EQ(TypeName(e.type), w.type) << text;
      EXPECT_EQ(e.value, w.value) << text;
      return;
    }
  }
  ADD_FAILURE() << "no expression \"" << w.text << "\" in: " << text << "\n  found: " << seen;
}

TEST(Timex, LoadsData) { ASSERT_TRUE(LoadStatus().ok()) << LoadStatus().error().message; }

// 2021-08-18 is a Wednesday.
constexpr const char* kAnchor = "2021-08-18";

TEST(Timex, FrenchAbsolute) {
  ExpectOne("Kandahar est tombée le 13 août 2021 au soir.", "fr", kAnchor,
            {"le 13 août 2021", "DATE", "2021-08-13"});
  ExpectOne("La ville est tombée le 13/08/2021.", "fr", kAnchor,
            {"le 13/08/2021", "DATE", "2021-08-13"});
  ExpectOne("Il est né en 1975 à Nancy.", "fr", kAnchor, {"1975", "DATE", "1975"});
  ExpectOne("Prévue en avril 2001, la réforme attendra.", "fr", kAnchor,
            {"avril 2001", "DATE", "2001-04"});
}

TEST(Timex, FrenchPartial) {
  ExpectOne("Les talibans sont entrés dans la ville le 13.", "fr", kAnchor,
            {"le 13", "DATE", "2021-08-13"});
  ExpectOne("Il reviendra en septembre.", "fr", kAnchor, {"septembre", "DATE", "2021-09"});
  ExpectOne("Les combats ont repris à la mi-août.", "fr", kAnchor,
            {"la mi-août", "DATE", "2021-08"});
  ExpectOne("Le chantier commencera début 2022.", "fr", kAnchor, {"début 2022", "DATE", "2022"});
  ExpectOne("C'était le 6 mai dernier.", "fr", kAnchor, {"le 6 mai dernier", "DATE", "2021-05-06"});
  ExpectOne("Il partira le 1er septembre prochain.", "fr", kAnchor,
            {"le 1er septembre prochain", "DATE", "2021-09-01"});
}

TEST(Timex, FrenchRelative) {
  ExpectOne("Hier, les talibans ont pris Herat.", "fr", kAnchor, {"Hier", "DATE", "2021-08-17"});
  ExpectOne("Ils ont attaqué avant-hier.", "fr", kAnchor, {"avant-hier", "DATE", "2021-08-16"});
  ExpectOne("Aujourd'hui, la ville est calme.", "fr", kAnchor,
            {"Aujourd'hui", "DATE", "2021-08-18"});
  ExpectOne("La ville est tombée jeudi dernier.", "fr", kAnchor,
            {"jeudi dernier", "DATE", "2021-08-12"});
  ExpectOne("Le président s'est exprimé ce lundi 16 août.", "fr", kAnchor,
            {"ce lundi 16 août", "DATE", "2021-08-16"});
  ExpectOne("Les ministres se sont réunis la semaine dernière.", "fr", kAnchor,
            {"la semaine dernière", "DATE", "2021-W32"});
  ExpectOne("Les combats ont commencé il y a trois jours.", "fr", kAnchor,
            {"il y a trois jours", "DATE", "2021-08-15"});
  ExpectOne("Les troupes sont arrivées hier soir.", "fr", kAnchor,
            {"hier soir", "TIME", "2021-08-17TEV"});
  ExpectOne("Il a été élu l'an dernier.", "fr", kAnchor, {"l'an dernier", "DATE", "2020"});
}

TEST(Timex, FrenchWeekdayTense) {
  // The same weekday is past or future by the sentence's tense.
  ExpectOne("Les talibans ont pris la ville jeudi.", "fr", kAnchor,
            {"jeudi", "DATE", "2021-08-12"});
  ExpectOne("Le conseil se réunira jeudi.", "fr", kAnchor, {"jeudi", "DATE", "2021-08-19"});
  ExpectOne("Ils vont voter lundi.", "fr", kAnchor, {"lundi", "DATE", "2021-08-23"});
  // "vont" before a noun is no future; a participle right before the
  // weekday is past.
  ExpectOne("Ses propos vont dans le sens d'un appel lancé lundi.", "fr", kAnchor,
            {"lundi", "DATE", "2021-08-16"});
  ExpectOne("Le plan de relance, présenté jeudi, sera voté en septembre.", "fr", kAnchor,
            {"jeudi", "DATE", "2021-08-12"});
}

TEST(Timex, CurlyApostrophes) {
  ExpectOne("Il a été élu l’an dernier.", "fr", kAnchor, {"l’an dernier", "DATE", "2020"});
  ExpectOne("Aujourd’hui, la ville est calme.", "fr", kAnchor,
            {"Aujourd’hui", "DATE", "2021-08-18"});
  ExpectOne("Thursday’s attack killed ten.", "en", kAnchor, {"Thursday", "DATE", "2021-08-12"});
}

TEST(Timex, FrenchNightAndTimes) {
  ExpectOne("L'attaque a eu lieu dans la nuit de mercredi à jeudi.", "fr", "2021-08-20",
            {"la nuit de mercredi à jeudi", "TIME", "2021-08-18TNI"});
  ExpectOne("Les combats ont repris dans la nuit du 14 au 15 août.", "fr", kAnchor,
            {"la nuit du 14 au 15 août", "TIME", "2021-08-14TNI"});
  ExpectOne("Un incendie a éclaté dans la nuit de samedi.", "fr", kAnchor,
            {"la nuit de samedi", "TIME", "2021-08-14TNI"});
  ExpectOne("La ville a été bombardée la nuit dernière.", "fr", kAnchor,
            {"la nuit dernière", "TIME", "2021-08-17TNI"});
  ExpectOne("Lundi 16 août, vers 14 h 30, la foule a envahi la piste.", "fr", kAnchor,
            {"14 h 30", "TIME", "2021-08-16T14:30"});  // "vers" is left out, as in FTiB
}

TEST(Timex, FrenchDurationsAndSets) {
  ExpectOne("Le siège a duré trois jours.", "fr", kAnchor, {"trois jours", "DURATION", "P3D"});
  ExpectOne("Il est resté vingt-cinq ans au pouvoir.", "fr", kAnchor,
            {"vingt-cinq ans", "DURATION", "P25Y"});
  ExpectOne("La crise dure depuis plus de vingt ans.", "fr", kAnchor,
            {"plus de vingt ans", "DURATION", "P20Y"});
  ExpectOne("Le marché a lieu tous les jeudis.", "fr", kAnchor,
            {"tous les jeudis", "SET", "XXXX-WXX-4"});
  ExpectOne("Il court chaque jour.", "fr", kAnchor, {"chaque jour", "SET", "P1D"});
}

TEST(Timex, English) {
  ExpectOne("Kandahar fell on August 13.", "en", kAnchor, {"August 13", "DATE", "2021-08-13"});
  ExpectOne("The ministers met last week.", "en", kAnchor, {"last week", "DATE", "2021-W32"});
  // As in TimeML, the preposition is not part of the expression.
  ExpectOne("The Taliban entered the city on Tuesday.", "en", kAnchor,
            {"Tuesday", "DATE", "2021-08-17"});
  ExpectOne("The council will meet on Friday.", "en", kAnchor, {"Friday", "DATE", "2021-08-20"});
  ExpectOne("Fighting began three days ago.", "en", kAnchor,
            {"three days ago", "DATE", "2021-08-15"});
  ExpectOne("Yesterday, the city fell.", "en", kAnchor, {"Yesterday", "DATE", "2021-08-17"});
  ExpectOne("The siege lasted two weeks.", "en", kAnchor, {"two weeks", "DURATION", "P2W"});
  ExpectOne("It happened in March 2020.", "en", kAnchor, {"March 2020", "DATE", "2020-03"});
}

TEST(Timex, EnglishWeekends) {
  // 2021-08-18 is a Wednesday: the weekend of a past sentence is the last.
  ExpectOne("Protesters gathered over the weekend.", "en", kAnchor,
            {"the weekend", "DATE", "2021-W32-WE"});
  ExpectOne("The talks will resume this weekend.", "en", kAnchor,
            {"this weekend", "DATE", "2021-W33-WE"});
}

// Find() from many threads gives what it gives from one.
TEST(Timex, ThreadSafe) {
  std::string text = ReadFile("tests/data/timex/fr_news.txt");
  ASSERT_FALSE(text.empty());
  auto one = Find(text, "fr", kAnchor);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int k = 0; k < 50; ++k) {
        auto got = Find(text, "fr", kAnchor);
        bool same = got.size() == one.size();
        for (size_t q = 0; same && q < got.size(); ++q) {
          same = got[q].begin == one[q].begin && got[q].end == one[q].end &&
                 got[q].value == one[q].value;
        }
        if (!same) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_GT(one.size(), 10u);
}

TEST(Timex, EnglishOrdinalsAndSpans) {
  ExpectOne("Fighting raged over the past two weeks.", "en", kAnchor,
            {"the past two weeks", "DURATION", "P2W"});
  EXPECT_TRUE(Find("A second car bomb exploded.", "en", kAnchor).empty());
  EXPECT_TRUE(Find("Une seconde vague a frappé.", "fr", kAnchor).empty());
}

TEST(Timex, DayOf) {
  EXPECT_EQ(DayOf({0, 1, Type::kTime, "2021-08-13TEV", true, ""}), "2021-08-13");
  EXPECT_EQ(DayOf({0, 1, Type::kTime, "2021-08-13T14:30", true, ""}), "2021-08-13");
  EXPECT_EQ(DayOf({0, 1, Type::kDate, "2021-08-13", false, ""}), "2021-08-13");
  EXPECT_EQ(DayOf({0, 1, Type::kDate, "2021-08", false, ""}), "");
  EXPECT_EQ(DayOf({0, 1, Type::kDate, "XXXX-08-13", false, ""}), "");
  EXPECT_EQ(DayOf({0, 1, Type::kDate, "2021-W33-WE", true, ""}), "");
  EXPECT_EQ(DayOf({0, 1, Type::kDuration, "P3D", false, ""}), "");
}

TEST(Timex, NoAnchorKeepsPlaceholders) {
  ExpectOne("Il est arrivé le 13 août.", "fr", "", {"le 13 août", "DATE", "XXXX-08-13"});
  ExpectOne("Il est arrivé hier.", "fr", "", {"hier", "DATE", "XXXX-XX-XX"});
}

TEST(Timex, PartialAnchorResolvesYearsOnly) {
  ExpectOne("Il est arrivé le 13 août.", "fr", "2021-08", {"le 13 août", "DATE", "2021-08-13"});
  ExpectOne("Il est reparti en mars dernier.", "fr", "2021-08",
            {"mars dernier", "DATE", "2021-03"});
  ExpectOne("Il est arrivé hier.", "fr", "2021-08", {"hier", "DATE", "XXXX-XX-XX"});
  ExpectOne("Il reviendra en septembre.", "fr", "2021", {"septembre", "DATE", "2021-09"});
}

TEST(Timex, OtherLanguagesGiveNothing) {
  EXPECT_TRUE(Find("El 13 de agosto de 2021.", "es", kAnchor).empty());
  EXPECT_TRUE(Find("le 13 août 2021", "", kAnchor).empty());
}

TEST(Timex, WordsThatAreNotTimes) {
  // A participle, an age, a newspaper and a price are not expressions.
  for (const char* s : {"Il a été arrêté.", "Le quotidien a publié la photo.",
                        "Le billet coûte 2000 euros.", "Jean Dupont, 54 ans, a été blessé."}) {
    EXPECT_TRUE(Find(s, "fr", kAnchor).empty()) << s;
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Golden files: an article written for the test, every expression checked
// by hand (tests/data/timex/*.golden.tsv, the lines `veille timex` prints).
// After a deliberate change, regenerate with
//   build/veille timex [--lang en] --anchor 2021-08-18 tests/data/timex/X.txt
// and review the diff.
void ExpectGolden(const std::string& name, const char* lang) {
  std::string text = ReadFile("tests/data/timex/" + name + ".txt");
  std::string want = ReadFile("tests/data/timex/" + name + ".golden.tsv");
  ASSERT_FALSE(text.empty()) << name;
  ASSERT_FALSE(want.empty()) << name;
  std::string got;
  for (const auto& e : Find(text, lang, "2021-08-18")) {
    got += std::to_string(e.begin) + "\t" + std::to_string(e.end) + "\t" + TypeName(e.type) + "\t" +
           e.value + "\t" + text.substr(e.begin, e.end - e.begin) + (e.mod.empty() ? "" : "\t") +
           e.mod + "\n";
  }
  EXPECT_EQ(got, want) << name;
}

TEST(Timex, GoldenFrench) { ExpectGolden("fr_news", "fr"); }
TEST(Timex, GoldenEnglish) { ExpectGolden("en_news", "en"); }

// Properties on random byte soup and random mixes of cue words: offsets
// inside the text, in order, not overlapping, values never empty.
TEST(Timex, PropertiesOnRandomText) {
  const char* words[] = {"le",    "13",    "août",  "2021",    "hier",    "soir", "à",
                         "14",    "h",     "30",    "jeudi",   "dernier", "il",   "y",
                         "a",     "trois", "jours", "la",      "nuit",    "de",   "mercredi",
                         "début", "mi",    "-",     "fin",     "tous",    "les",  "chaque",
                         "last",  "week",  "on",    "Tuesday", "ago",     "é",    "\xC3",
                         "’",     "l'",    ",",     ".",       "\n",      "1er",  "/"};
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    int n = int(rng() % 30);
    for (int k = 0; k < n; ++k) {
      text += words[rng() % (sizeof words / sizeof *words)];
      if (rng() % 4) text += ' ';
    }
    for (const char* lang : {"fr", "en"}) {
      auto got = Find(text, lang, round % 3 == 0 ? "" : round % 3 == 1 ? kAnchor : "2021-08");
      size_t last = 0;
      for (const auto& e : got) {
        ASSERT_LE(last, e.begin) << text;
        ASSERT_LT(e.begin, e.end) << text;
        ASSERT_LE(e.end, text.size()) << text;
        ASSERT_FALSE(e.value.empty()) << text;
        last = e.end;
      }
    }
  }
}

TEST(Timex, ScorerCountsStrictRelaxedAndValues) {
  TimemlDoc doc;
  doc.name = "t";
  doc.text = "Hier soir, le 13 août, trois jours.";
  doc.gold = {{0, 9, Type::kTime, "2021-08-17TEV", true, ""},
              {11, 22, Type::kDate, "2021-08-13", true, ""},
              {24, 35, Type::kDuration, "P3D", false, ""}};
  std::vector<Expression> sys = {{0, 4, Type::kDate, "2021-08-17", true, ""},    // relaxed, wrong
                                 {11, 22, Type::kDate, "2021-08-13", true, ""},  // strict, right
                                 {24, 35, Type::kDuration, "P3D", false, ""}};   // strict, right
  TimexScores s = ScoreDoc(doc, sys);
  EXPECT_EQ(s.strict, 2u);
  EXPECT_EQ(s.relaxed, 3u);
  EXPECT_EQ(s.value_ok, 2u);
  EXPECT_EQ(s.type_ok, 2u);
  EXPECT_NEAR(s.ValueF1(), 2.0 / 3, 1e-9);
  sys.push_back({5, 9, Type::kTime, "X", false, ""});  // a false alarm
  s = ScoreDoc(doc, sys);
  EXPECT_EQ(s.system, 4u);
  EXPECT_NEAR(s.StrictP(), 0.5, 1e-9);
}

}  // namespace
}  // namespace veille::timex
