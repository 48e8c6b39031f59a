// Tests for the entities module: tokenizer, formats, scorer, tagger
// (features, Viterbi, training determinism, model files), alias table,
// within-article linking, golden files and, when ../shared exists, the seeds.
#include "veille/entities.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "entities/text_util.h"
#include "veille/utf8.h"

namespace veille {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> TokenStrings(std::string_view text, const TokenizedText& tt) {
  std::vector<std::string> out;
  for (const auto& t : tt.tokens) out.emplace_back(text.substr(t.begin, t.end - t.begin));
  return out;
}

const EntityRecognizer& Recognizer() {
  static const EntityRecognizer* r = [] {
    auto created = EntityRecognizer::Create();
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? created.value().release() : nullptr;
  }();
  return *r;
}

// ------------------------------------------------------------ tokenizer --

TEST(Tokenizer, FrenchElisionQuotesAndHyphens) {
  std::string text = "L’armée de l'Afghanistan a « fui » Kaboul vers les États-Unis.";
  auto tt = TokenizeText(text);
  std::vector<std::string> want = {"L’", "armée",  "de",   "l'",  "Afghanistan", "a", "«", "fui",
                                   "»",  "Kaboul", "vers", "les", "États-Unis",  "."};
  EXPECT_EQ(TokenStrings(text, tt), want);
  ASSERT_EQ(tt.sentences.size(), 1u);
}

TEST(Tokenizer, EnglishPossessiveInitialsAndAbbreviations) {
  std::vector<std::string> abbr = {"dr", "m", "mme"};
  std::string text = "Dr. Smith met M. Dupont in the U.S. on Monday. Biden's aide J. Doe left.";
  auto tt = TokenizeText(text, &abbr);
  std::vector<std::string> want = {"Dr.", "Smith", "met", "M.",     "Dupont", "in",
                                   "the", "U.S.",  "on",  "Monday", ".",      "Biden",
                                   "'s",  "aide",  "J.",  "Doe",    "left",   "."};
  EXPECT_EQ(TokenStrings(text, tt), want);
  // "Dr." and "M." do not end sentences; "Monday." does.
  ASSERT_EQ(tt.sentences.size(), 2u);
  EXPECT_EQ(tt.sentences[0].last, 11u);
}

TEST(Tokenizer, NewlinesEndSentencesAndNumbersStayWhole) {
  std::string text = "Il a payé 3,5 millions\nUne autre ligne ? Oui.";
  auto tt = TokenizeText(text);
  auto toks = TokenStrings(text, tt);
  EXPECT_EQ(toks[3], "3,5");
  ASSERT_EQ(tt.sentences.size(), 3u);
}

// Property: tokens are non-empty, ordered, non-overlapping, within the text,
// never start or end inside a UTF-8 sequence, and sentences tile the tokens.
TEST(Tokenizer, OffsetInvariants) {
  std::vector<std::string> texts = {"« Non », a dit l’officiel. M. X. Y. est là...  Fin",
                                    "a-b--c ''' ’’ l’ d’ qu’il jusqu’à aujourd'hui O'Brien's",
                                    "\xC3\xA9t\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80 emoji! Suite?",
                                    "",
                                    "   \n\n ",
                                    ".",
                                    "1.000.000 2,5 R&D AT&T U.S.A. ok"};
  for (const auto& text : texts) {
    auto tt = TokenizeText(text);
    uint32_t prev_end = 0;
    for (const auto& t : tt.tokens) {
      EXPECT_LT(t.begin, t.end) << text;
      EXPECT_GE(t.begin, prev_end) << text;
      EXPECT_LE(t.end, text.size()) << text;
      EXPECT_NE(static_cast<unsigned char>(text[t.begin]) & 0xC0, 0x80u) << text;
      if (t.end < text.size()) {
        EXPECT_NE(static_cast<unsigned char>(text[t.end]) & 0xC0, 0x80u) << text;
      }
      prev_end = t.end;
    }
    uint32_t next = 0;
    for (const auto& s : tt.sentences) {
      EXPECT_EQ(s.first, next);
      EXPECT_LT(s.first, s.last);
      next = s.last;
    }
    EXPECT_EQ(next, tt.tokens.size());
  }
}

// ------------------------------------------------------ formats, scorer --

TEST(Formats, ParseTagVariants) {
  EXPECT_EQ(ParseTag("B-PER"), 1);
  EXPECT_EQ(ParseTag("I-PER"), 2);
  EXPECT_EQ(ParseTag("B-LOC"), 3);
  EXPECT_EQ(ParseTag("I-ORG"), 6);
  EXPECT_EQ(ParseTag("B-pers"), 1);
  EXPECT_EQ(ParseTag("I-loc.adm.town"), 4);
  EXPECT_EQ(TagName(ParseTag("B-MISC")), "O");  // learnt, never output
  EXPECT_EQ(TagsToSpans({static_cast<uint8_t>(ParseTag("B-MISC"))}).size(), 0u);
  EXPECT_EQ(ParseTag("B-prod"), 0);
  EXPECT_EQ(ParseTag("O"), 0);
  EXPECT_EQ(TagName(5), "B-ORG");
}

TEST(Formats, BioIob1IsNormalised) {
  auto r = ParseTagged("Jean I-PER\nDupont I-PER\nà O\nParis I-LOC\nLyon I-LOC\n", TagFormat::kBio);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  std::vector<uint8_t> want = {1, 2, 0, 3, 4};
  EXPECT_EQ((*r)[0].tags, want);
}

TEST(Formats, HipeSentencesAndColumns) {
  std::string hipe =
      "TOKEN\tNE-COARSE-LIT\tNE-COARSE-METO\tNE-FINE-LIT\tNE-FINE-METO\tNE-FINE-COMP\tNE-NESTED\t"
      "NEL-LIT\tNEL-METO\tMISC\n"
      "# hipe2022:document_id = X\n"
      "M\tB-pers\tO\tB-pers.ind\tO\tO\tO\t_\t_\tNoSpaceAfter\n"
      ".\tI-pers\tO\tI-pers.ind\tO\tO\tO\t_\t_\t_\n"
      "Durand\tI-pers\tO\tI-pers.ind\tO\tO\tO\t_\t_\tNoSpaceAfter\n"
      ".\tO\tO\tO\tO\tO\tO\t_\t_\tEndOfSentence\n"
      "Lyon\tB-loc\tO\tB-loc.adm.town\tO\tO\tO\t_\t_\t_\n";
  auto r = ParseTagged(hipe, TagFormat::kHipe);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].tokens.size(), 4u);
  EXPECT_EQ(TagsToSpans((*r)[0].tags), (std::vector<TagSpan>{{0, 3, 0}}));
  EXPECT_EQ(TagsToSpans((*r)[1].tags), (std::vector<TagSpan>{{0, 1, 1}}));
}

TEST(Formats, TagsToSpans) {
  // B-PER I-PER O I-LOC(opens) B-LOC I-ORG(opens) I-ORG
  std::vector<uint8_t> tags = {1, 2, 0, 4, 3, 6, 6};
  std::vector<TagSpan> want = {{0, 2, 0}, {3, 4, 1}, {4, 5, 1}, {5, 7, 2}};
  EXPECT_EQ(TagsToSpans(tags), want);
}

TEST(Scorer, TinyFileKnownScores) {
  auto gold = ReadTaggedFile("tests/data/entities/tiny_gold.conllu", TagFormat::kConllu);
  auto pred = ReadTaggedFile("tests/data/entities/tiny_pred.conllu", TagFormat::kConllu);
  ASSERT_TRUE(gold.ok()) << gold.error().message;
  ASSERT_TRUE(pred.ok());
  ASSERT_EQ(gold->size(), 2u);
  SpanScore score;
  for (size_t i = 0; i < gold->size(); ++i) score.Add((*gold)[i].tags, (*pred)[i].tags);
  EXPECT_EQ(score.micro.tp, 3);
  EXPECT_EQ(score.micro.fp, 1);
  EXPECT_EQ(score.micro.fn, 1);
  EXPECT_DOUBLE_EQ(score.micro.Precision(), 0.75);
  EXPECT_DOUBLE_EQ(score.micro.Recall(), 0.75);
  EXPECT_DOUBLE_EQ(score.micro.F1(), 0.75);
  EXPECT_DOUBLE_EQ(score.per_type[0].F1(), 1.0);         // PER
  EXPECT_DOUBLE_EQ(score.per_type[1].Recall(), 0.0);     // LOC missed
  EXPECT_DOUBLE_EQ(score.per_type[2].Precision(), 0.5);  // ORG: 1 right of 2
  EXPECT_NE(score.Report().find("micro"), std::string::npos);
}

TEST(Scorer, BoundaryErrorIsBothMissAndFalsePositive) {
  SpanScore score;
  score.Add({1, 2, 0}, {1, 0, 0});
  EXPECT_EQ(score.micro.tp, 0);
  EXPECT_EQ(score.micro.fp, 1);
  EXPECT_EQ(score.micro.fn, 1);
}

// --------------------------------------------------------------- tagger --

TEST(Features, CaseShapeAndGazetteer) {
  Gazetteer gaz;
  gaz.Add("New York", 1);
  gaz.Add("Marie", 0);
  std::vector<std::string_view> toks = {"à", "New", "York", "Marie", "PARIS", "paris"};
  std::vector<TokenFeatures> f;
  ComputeTokenFeatures(toks, &gaz, f);
  ASSERT_EQ(f.size(), toks.size());
  EXPECT_EQ(f[4].lower, f[5].lower);
  EXPECT_NE(f[4].word, f[5].word);
  EXPECT_TRUE(f[4].all_caps);
  EXPECT_TRUE(f[1].capitalized);
  EXPECT_FALSE(f[5].capitalized);
  EXPECT_EQ(f[0].gazetteer, 0);
  EXPECT_EQ(f[1].gazetteer, 1u << 1);        // begins a LOC entry
  EXPECT_EQ(f[2].gazetteer, 1u << (3 + 1));  // inside a LOC entry
  EXPECT_EQ(f[3].gazetteer, 1u << 0);        // PER
  uint32_t rows[TaggerModel::kMaxFeatures];
  int k = TaggerModel::Features(f.data(), static_cast<int>(f.size()), 1, rows);
  EXPECT_GT(k, 10);
  EXPECT_LE(k, TaggerModel::kMaxFeatures);
  for (int i = 0; i < k; ++i) EXPECT_LT(rows[i], TaggerModel::kRows);
  std::string shape;
  ner::ShapeInto("États-Unis", shape);
  EXPECT_EQ(shape, "Xxx-Xxx");
}

TEST(Viterbi, ToyModelRespectsBioConstraints) {
  TaggerModel m;
  std::vector<std::string_view> toks = {"Zorglub", "Junior"};
  std::vector<TokenFeatures> f;
  ComputeTokenFeatures(toks, nullptr, f);
  uint32_t rows[TaggerModel::kMaxFeatures];
  // Feature 1 is the exact word: Zorglub -> B-PER; Junior -> I-LOC (3) a
  // bit more than I-PER (2), but I-LOC cannot follow B-PER.
  TaggerModel::Features(f.data(), 2, 0, rows);
  m.weights[size_t(rows[1]) * kNumTags + 1] = 5;
  TaggerModel::Features(f.data(), 2, 1, rows);
  m.weights[size_t(rows[1]) * kNumTags + 4] = 3;
  m.weights[size_t(rows[1]) * kNumTags + 2] = 2;
  uint8_t out[2];
  m.Decode(f.data(), 2, out);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[1], 2);
  // With the person evidence gone, the best path is B-LOC I-LOC (score 3):
  // never an I- that opens a span, never O I-LOC.
  TaggerModel::Features(f.data(), 2, 0, rows);
  m.weights[size_t(rows[1]) * kNumTags + 1] = 0;
  m.Decode(f.data(), 2, out);
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(out[1], 4);
  // A strong penalty on B-LOC -> I-LOC makes B-PER I-PER (score 2) best.
  m.transitions[3 * kNumTags + 4] = -10;
  m.Decode(f.data(), 2, out);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[1], 2);
}

TEST(Training, DeterministicAndLearnsTrainingData) {
  auto small = ReadTaggedFile("tests/data/entities/train_small.conllu", TagFormat::kConllu);
  ASSERT_TRUE(small.ok());
  // Several document blocks, so that block shuffling takes place.
  std::vector<TaggedSentence> data;
  for (int k = 0; k < 30; ++k) data.insert(data.end(), small->begin(), small->end());
  TrainOptions opt;
  opt.epochs = 10;
  opt.jackknife_folds = 2;
  Gazetteer gaz;
  gaz.Add("Brest", 1);
  TaggerModel a = TrainTagger(data, &gaz, opt);
  TaggerModel b = TrainTagger(data, &gaz, opt);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_EQ(a.transitions, b.transitions);
  // The weights are not all zero: something was learnt.
  EXPECT_TRUE(std::any_of(a.weights.begin(), a.weights.end(), [](float w) { return w != 0; }));
  // Saved and reloaded (16-bit weights), the model still tags its own
  // training data.
  std::string path = (std::filesystem::temp_directory_path() / "veille_ner_test.model").string();
  ASSERT_TRUE(a.Save(path).ok());
  auto loaded = TaggerModel::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  Tagger tagger(std::move(loaded.value()), nullptr);
  SpanScore score;
  for (const auto& s : *small) {
    std::vector<std::string_view> toks(s.tokens.begin(), s.tokens.end());
    score.Add(s.tags, tagger.Tag(toks));
  }
  EXPECT_GE(score.micro.F1(), 0.9) << score.Report();
  std::filesystem::remove(path);
}

// A loaded model decodes through 16-bit weights, a per-thread cache of the
// token-local sums and pruning of lower-case runs far from any capital: none
// of it may change the tags of the in-memory float model, whatever the order
// in which sentences come (the cache is shared by all of a thread's calls).
TEST(Tagger, LoadedModelTagsLikeTheInMemoryModel) {
  auto small = ReadTaggedFile("tests/data/entities/train_small.conllu", TagFormat::kConllu);
  ASSERT_TRUE(small.ok());
  std::vector<TaggedSentence> data;
  for (int k = 0; k < 20; ++k) data.insert(data.end(), small->begin(), small->end());
  TrainOptions opt;
  opt.epochs = 5;
  opt.jackknife_folds = 0;
  TaggerModel trained = TrainTagger(data, nullptr, opt);
  std::string path = (std::filesystem::temp_directory_path() / "veille_ner_cache.model").string();
  ASSERT_TRUE(trained.Save(path).ok());
  auto loaded = TaggerModel::Load(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->weights.empty());
  EXPECT_FALSE(loaded->quantized.empty());
  // In memory the rows are padded and aligned; saved again, the loaded
  // model gives back the file it was read from, byte for byte.
  auto slurp = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::string again = path + ".again";
  ASSERT_TRUE(loaded->Save(again).ok());
  EXPECT_EQ(slurp(again), slurp(path));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(loaded->QuantizedRows()) % 64, 0u);
  std::filesystem::remove(path);
  std::filesystem::remove(again);
  // Invented sentences: names, repeated words (cache hits), and a long
  // lower-case run (pruned tokens) between two names.
  std::vector<std::vector<std::string>> sentences = {
      {"Alice", "Marchal", "habite", "à", "Grenoble", "."},
      {"Bruno", "Tessier", "dirige", "Norvik", "depuis", "Brest", "."},
      {"Selon", "Alice", "Marchal", ",", "le", "groupe", "a", "dit", "que", "la", "situation",
       "était", "plus", "calme", "que", "prévu", "à", "Nantes", "."},
      {"Norvik", "recrute", "à", "Grenoble", "et", "à", "Brest", "."}};
  Tagger quantized(std::move(loaded.value()), nullptr);
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < sentences.size(); ++i) {
      const auto& s = sentences[round == 0 ? i : sentences.size() - 1 - i];
      std::vector<std::string_view> toks(s.begin(), s.end());
      std::vector<TokenFeatures> f;
      ComputeTokenFeatures(toks, nullptr, f);
      std::vector<uint8_t> expected(toks.size());
      trained.Decode(f.data(), static_cast<int>(f.size()), expected.data());
      // Pruned tokens are O; the float model agrees on these sentences.
      EXPECT_EQ(quantized.Tag(toks), expected) << "round " << round << " sentence " << i;
    }
  }
}

// ---------------------------------------------------------- word clusters --

TEST(WordClusters, WordsOfTheSameContextsShareAClusterAndFilesRoundTrip) {
  // Invented text: week days and cities each in their own contexts.
  std::vector<std::vector<std::string>> sentences;
  const char* days[] = {"lundi", "mardi", "mercredi", "jeudi"};
  const char* cities[] = {"paris", "lyon", "nantes", "brest"};
  const char* verbs[] = {"viendra", "partira", "parlera", "votera"};
  for (int r = 0; r < 5; ++r)
    for (const char* v : verbs) {
      for (const char* d : days) sentences.push_back({"il", v, "dès", d, "matin", "."});
      for (const char* c : cities) sentences.push_back({"elle", v, "vers", c, "centre", "."});
    }
  ClusterOptions opt;
  opt.min_count = 2;
  auto a = BuildWordClusters(sentences, opt);
  auto b = BuildWordClusters(sentences, opt);
  EXPECT_EQ(a, b);  // deterministic
  std::map<std::string, uint32_t> leaf(a.begin(), a.end());
  ASSERT_TRUE(leaf.count("lundi") && leaf.count("paris"));
  for (const char* d : days) EXPECT_EQ(leaf[d], leaf["lundi"]) << d;
  for (const char* c : cities) EXPECT_EQ(leaf[c], leaf["paris"]) << c;
  EXPECT_NE(leaf["lundi"], leaf["paris"]);
  for (const auto& [w, id] : a)
    EXPECT_LT(id, uint32_t(WordClusters::kTop * WordClusters::kMid * WordClusters::kLeaf));

  std::string path = (std::filesystem::temp_directory_path() / "veille_clusters.tsv").string();
  {
    std::ofstream out(path);
    out << "# comment\n";
    for (const auto& [w, id] : a) out << w << '\t' << id << '\n';
  }
  WordClusters wc;
  ASSERT_TRUE(wc.LoadMore(path, 1).ok());
  std::filesystem::remove(path);
  EXPECT_EQ(wc.size(), a.size());
  uint32_t packed = wc.Find(ner::HashBytes("mardi"));
  EXPECT_EQ(packed & 0xFFFF, 0xFFFFu);  // nothing in slot 0 (English)
  EXPECT_EQ(packed >> 16, leaf["mardi"]);
  EXPECT_EQ(wc.Find(ner::HashBytes("zorglub")), WordClusters::kNone);
  // The cluster reaches the token features (looked up by lowercase form).
  std::vector<std::string_view> toks = {"Mardi", "Zorglub"};
  std::vector<TokenFeatures> f;
  ComputeTokenFeatures(toks, nullptr, f, &wc);
  EXPECT_EQ(f[0].cluster >> 16, leaf["mardi"]);
  EXPECT_EQ(f[1].cluster, WordClusters::kNone);
  WordClusters bad;
  EXPECT_FALSE(bad.LoadMore("/nonexistent/clusters.tsv", 0).ok());
  EXPECT_FALSE(bad.LoadMore(path, 2).ok());
}

TEST(Training, CollectNamesMajorityType) {
  auto data = ParseTagged(
      "0\tNorvik\tB-ORG\n\n0\tNorvik\tB-ORG\n\n0\tNorvik\tB-LOC\n\n0\tAnne\tB-PER\n1\tRoy\tI-PER\n",
      TagFormat::kConllu);
  ASSERT_TRUE(data.ok());
  auto names = CollectNames(*data);
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0], (std::pair<int, std::string>{0, "Anne Roy"}));
  EXPECT_EQ(names[1], (std::pair<int, std::string>{2, "Norvik"}));
}

TEST(Model, LoadRejectsGarbage) {
  std::string path = (std::filesystem::temp_directory_path() / "veille_ner_bad.model").string();
  std::ofstream(path) << "not a model";
  auto r = TaggerModel::Load(path);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(TaggerModel::Load("/nonexistent/ner.model").ok());
  std::filesystem::remove(path);
}

// ----------------------------------------------------- keys and aliases --

TEST(EntityKey, FoldsCaseAccentsHyphensApostrophes) {
  EXPECT_EQ(EntityKey("États-Unis"), "etats unis");
  EXPECT_EQ(EntityKey("Etats-Unis"), EntityKey("États-Unis"));
  EXPECT_EQ(EntityKey("  département d’État "), "departement d etat");
  EXPECT_EQ(EntityKey("département d'État"), EntityKey("Département d’État"));
  EXPECT_EQ(EntityKey("U.S."), "u s");
  EXPECT_EQ(EntityKey("Sergueï Lavrov"), "serguei lavrov");
  EXPECT_EQ(EntityKey("Kaboul"), "kaboul");
}

TEST(AliasTable, CrossLanguageVariants) {
  auto t = AliasTable::Load(DataPath("entities/aliases.tsv"));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_GT(t->size(), 200u);
  struct Case {
    const char* variant;
    const char* canonical;
  } cases[] = {{"Putin", "Vladimir Poutine"},
               {"Vladimir Putin", "Vladimir Poutine"},
               {"Poutine", "Vladimir Poutine"},
               {"Kabul", "Kaboul"},
               {"Etats-Unis", "États-Unis"},
               {"United States", "États-Unis"},
               {"USA", "États-Unis"},
               {"Moscow", "Moscou"},
               {"NATO", "Otan"},
               {"OTAN", "Otan"},
               {"Beijing", "Pékin"},
               {"PEKIN", "Pékin"}};
  for (const auto& c : cases) {
    const auto* e = t->Find(c.variant);
    ASSERT_NE(e, nullptr) << c.variant;
    EXPECT_EQ(e->canonical, c.canonical) << c.variant;
  }
  EXPECT_EQ(t->Find("Zorglubie"), nullptr);
}

// ------------------------------------------------------------- mentions --

TEST(Recognizer, ShortNamesLinkToFullNameAndRolesAreRecorded) {
  const auto& r = Recognizer();
  std::string text =
      "Le porte-parole du gouvernement, Étienne Labarthe, a démenti lundi toute démission. "
      "Labarthe a ajouté que le Premier ministre restait à Matignon.\n"
      "Washington a salué la décision, selon le secrétaire d'État Antony Blinken.";
  auto ms = r.Recognize(text, "fr");
  std::map<std::string, EntityMention> by_text;
  for (const auto& m : ms) {
    EXPECT_EQ(text.substr(m.begin, m.end - m.begin), m.text);
    by_text[m.text] = m;
  }
  ASSERT_TRUE(by_text.count("Étienne Labarthe"));
  EXPECT_EQ(by_text["Étienne Labarthe"].type, "PER");
  EXPECT_EQ(by_text["Étienne Labarthe"].role, "porte-parole du gouvernement");
  ASSERT_TRUE(by_text.count("Labarthe"));
  EXPECT_EQ(by_text["Labarthe"].type, "PER");
  EXPECT_EQ(by_text["Labarthe"].canonical, "Étienne Labarthe");
  ASSERT_TRUE(by_text.count("Antony Blinken"));
  EXPECT_EQ(by_text["Antony Blinken"].role, "secrétaire d'État");
  EXPECT_FALSE(by_text.count("État"));
}

TEST(Recognizer, AliasTableGivesCanonicalAcrossLanguages) {
  const auto& r = Recognizer();
  auto ms = r.Recognize("Vladimir Putin flew from Moscow to Beijing on Monday.", "en");
  std::set<std::string> canon;
  for (const auto& m : ms) canon.insert(m.canonical);
  EXPECT_TRUE(canon.count("Vladimir Poutine"));
  EXPECT_TRUE(canon.count("Moscou"));
  EXPECT_TRUE(canon.count("Pékin"));
}

TEST(Recognizer, InstitutionsAndLowerCaseNames) {
  const auto& r = Recognizer();
  std::string text =
      "Le ministère russe des Affaires étrangères a convoqué l'ambassadeur. Les talibans ont "
      "répondu au département d’État.";
  std::set<std::pair<std::string, std::string>> got;
  for (const auto& m : r.Recognize(text, "fr")) got.insert({m.text, m.type});
  EXPECT_TRUE(got.count({"ministère russe des Affaires étrangères", "ORG"}));
  EXPECT_TRUE(got.count({"talibans", "ORG"}));
  EXPECT_TRUE(got.count({"département d’État", "ORG"}));
}

TEST(Recognizer, CapitalisedInstitutionsDemonymsAndCommonWords) {
  const auto& r = Recognizer();
  std::string text =
      "Selon la Direction nationale de la sécurité, les Français restent prudents. Les autorités "
      "de l'Assemblée nationale se réunissent. Les députés votent.";
  std::set<std::pair<std::string, std::string>> got;
  for (const auto& m : r.Recognize(text, "fr")) got.insert({m.text, m.type});
  EXPECT_TRUE(got.count({"Direction nationale de la sécurité", "ORG"}));
  EXPECT_TRUE(got.count({"Assemblée nationale", "ORG"}));
  for (const auto& [t, type] : got) {
    EXPECT_NE(t, "Français");
    EXPECT_NE(t, "Les");
  }
}

// A designator (org_tails.txt) closing a multi-word name makes it an
// organisation even when its first words are a city's or a person's name
// (the tagger alone says LOC, LOC and PER for these three).
TEST(Recognizer, OrganisationDesignatorClosesTheName) {
  const auto& r = Recognizer();
  std::string text =
      "Shares of Boston Dynamics fell on Monday. The Lyon Holdings board met Jacques Martin, "
      "and the Maria Lopez Foundation gave money to Paris.";
  std::map<std::string, std::string> got;
  for (const auto& m : r.Recognize(text, "en")) got[m.text] = m.type;
  EXPECT_EQ(got["Boston Dynamics"], "ORG");
  EXPECT_EQ(got["Lyon Holdings"], "ORG");
  EXPECT_EQ(got["Maria Lopez Foundation"], "ORG");
  EXPECT_EQ(got["Jacques Martin"], "PER");
  EXPECT_EQ(got["Paris"], "LOC");
}

// Golden files: tests/data/entities/golden/NAME.txt -> NAME.expected.json
// (mentions with text, type, begin, end, canonical, role). Regenerate with
// VEILLE_UPDATE_GOLDEN=1 after checking the differences by hand.
TEST(Recognizer, GoldenFiles) {
  const auto& r = Recognizer();
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator("tests/data/entities/golden")) {
    if (entry.path().extension() != ".txt") continue;
    std::string text = ReadFile(entry.path().string());
    std::string lang = entry.path().stem().string().substr(0, 2);
    nlohmann::json got = nlohmann::json::array();
    for (const auto& m : r.Recognize(text, lang))
      got.push_back({{"text", m.text},
                     {"type", m.type},
                     {"begin", m.begin},
                     {"end", m.end},
                     {"canonical", m.canonical},
                     {"role", m.role}});
    auto expected_path = entry.path();
    expected_path.replace_extension(".expected.json");
    if (std::getenv("VEILLE_UPDATE_GOLDEN")) std::ofstream(expected_path) << got.dump(1) << "\n";
    std::string expected = ReadFile(expected_path.string());
    ASSERT_FALSE(expected.empty()) << "missing " << expected_path;
    EXPECT_EQ(got, nlohmann::json::parse(expected)) << entry.path();
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

// ---------------------------------------------------------------- seeds --

std::string Norm(std::string_view s) {
  std::string out;
  ner::LowerInto(s, out);  // case folding and ’ -> '
  return out;
}

TEST(Seeds, EntityF1AndFullPersonNames) {
  const std::string shared = "../shared";
  if (!std::filesystem::exists(shared + "/gold/seeds.json"))
    GTEST_SKIP() << "../shared/gold/seeds.json not found: seeds test needs the shared data";
  const auto& r = Recognizer();
  auto gold = nlohmann::json::parse(ReadFile(shared + "/gold/seeds.json"));
  int64_t tp = 0, fp = 0, fn = 0;
  std::vector<std::string> problems;
  for (auto& [id, art] : gold["articles"].items()) {
    std::string raw = ReadFile(shared + "/corpus/seeds/" + id + ".txt");
    ASSERT_FALSE(raw.empty()) << id;
    // Entities are scored on the clean text: drop the lines that cleaning
    // removes (the gold's boilerplate), as the pipeline's clean stage does.
    std::string text;
    std::istringstream lines(raw);
    auto spaces = [](const std::string& s) {  // no-break spaces compare as spaces
      std::string out;
      for (size_t i = 0; i < s.size(); ++i) {
        if (s.compare(i, 2, "\xC2\xA0") == 0) {
          out.push_back(' ');
          i += 1;
        } else if (s.compare(i, 3, "\xE2\x80\xAF") == 0) {
          out.push_back(' ');
          i += 2;
        } else {
          out.push_back(s[i]);
        }
      }
      return out;
    };
    for (std::string line; std::getline(lines, line);) {
      bool boiler = false;
      for (const auto& b : art.value("boilerplate", nlohmann::json::array()))
        boiler = boiler || spaces(line).find(spaces(b.get<std::string>())) != std::string::npos;
      text += boiler ? std::string(line.size(), ' ') : line;
      text += '\n';
    }
    auto mentions = r.Recognize(text, art.value("language", "fr"));
    // Predicted entities: one per canonical name, with every surface form.
    std::map<std::string, std::pair<std::string, std::set<std::string>>> predicted;
    for (const auto& m : mentions) {
      auto& p = predicted[Norm(m.canonical) + "|" + m.type];
      p.first = m.type;
      p.second.insert(Norm(m.canonical));
      p.second.insert(Norm(m.text));
    }
    const auto& ents = art["entities"];
    std::vector<bool> found(ents.size(), false);
    for (const auto& [key, p] : predicted) {
      bool matched = false;
      for (size_t g = 0; g < ents.size(); ++g) {
        const auto& e = ents[g];
        std::set<std::string> names = {Norm(e["name"].get<std::string>())};
        for (const auto& a : e.value("aliases", nlohmann::json::array()))
          names.insert(Norm(a.get<std::string>()));
        std::set<std::string> types = {e["type"].get<std::string>()};
        for (const auto& t : e.value("also", nlohmann::json::array()))
          types.insert(t.get<std::string>());
        if (!types.count(p.first)) continue;
        for (const auto& n : p.second) matched = matched || names.count(n);
        if (matched) {
          found[g] = true;
          break;
        }
      }
      if (!matched) {
        ++fp;
        problems.push_back(id + ": extra " + key);
      }
    }
    for (size_t g = 0; g < ents.size(); ++g) {
      const auto& e = ents[g];
      if (e.value("optional", false)) continue;
      if (found[g]) {
        ++tp;
      } else {
        ++fn;
        problems.push_back(id + ": missed " + e["name"].get<std::string>());
      }
      if (e["type"] == "PER") {
        bool full = false;
        for (const auto& m : mentions)
          full = full || Norm(m.canonical) == Norm(e["name"].get<std::string>());
        EXPECT_TRUE(full) << id << ": no mention with canonical " << e["name"];
      }
    }
  }
  double p = tp + fp ? double(tp) / (tp + fp) : 0, rc = tp + fn ? double(tp) / (tp + fn) : 0;
  double f1 = p + rc > 0 ? 2 * p * rc / (p + rc) : 0;
  std::string detail;
  for (const auto& s : problems) detail.append("  ").append(s).append("\n");
  RecordProperty("seeds_entity_f1", std::to_string(f1));
  std::printf("seeds entities: P=%.3f R=%.3f F1=%.3f\n%s", p, rc, f1, detail.c_str());
  EXPECT_GE(f1, 0.90);
}

}  // namespace
}  // namespace veille
