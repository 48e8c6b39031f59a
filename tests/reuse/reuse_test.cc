// reuse_test.cc: near-duplicates (MinHash, LSH, groups) and reused passages.
#include "veille/reuse.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "veille/hash.h"

namespace veille::reuse {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Data(const std::string& name) { return ReadFile("tests/data/reuse/" + name); }

// Words of `text` as strings, for readable expectations.
std::vector<std::string> Strings(std::string_view text) {
  std::vector<std::string> out;
  for (const WordSpan& w : WordsOf(text)) out.emplace_back(text.substr(w.begin, w.end - w.begin));
  return out;
}

// Edits each whitespace-separated token with probability `rate`: deleted,
// replaced by a filler word, or preceded by one, with equal chances.
std::string Edit(const std::string& text, double rate, uint32_t seed) {
  static const char* kFillers[] = {"notamment", "vraiment", "brusquement", "plutôt", "ensuite",
                                   "certes",    "toujours", "encore",      "hier",   "ailleurs"};
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::string out;
  std::istringstream in(text);
  std::string tok;
  while (in >> tok) {
    if (u(rng) < rate) {
      int op = rng() % 3;
      const char* filler = kFillers[rng() % 10];
      if (op == 0) continue;
      if (op == 1) tok = filler;
      if (op == 2) out += std::string(filler) + " ";
    }
    out += tok + " ";
  }
  return out;
}

TEST(WordsOf, FoldsAndSplits) {
  std::string text = "L’Été à PARIS, 2021 : Œuvre « naïve »—fin";
  std::vector<WordSpan> w = WordsOf(text);
  EXPECT_EQ(Strings(text),
            (std::vector<std::string>{"L", "Été", "à", "PARIS", "2021", "Œuvre", "naïve", "fin"}));
  ASSERT_EQ(w.size(), 8u);
  // Folding: case and accents do not change the hash.
  EXPECT_EQ(w[1].hash, WordsOf("ete")[0].hash);
  EXPECT_EQ(w[2].hash, WordsOf("A")[0].hash);
  EXPECT_EQ(w[3].hash, WordsOf("paris")[0].hash);
  EXPECT_EQ(w[5].hash, WordsOf("oeuvre")[0].hash);
  EXPECT_NE(w[3].hash, WordsOf("pari")[0].hash);
  // A decomposed accent folds like a precomposed one.
  EXPECT_EQ(WordsOf("e\xcc\x81te")[0].hash, WordsOf("été")[0].hash);
  EXPECT_TRUE(WordsOf("  ,;: ").empty());
}

TEST(WordsOf, HashIsStable) {
  // The archive persists hashes (via signatures and band keys): a change of
  // the tokenizer's hash must be deliberate.
  EXPECT_EQ(HexHash(WordsOf("Paris")[0].hash), "4771aae79bf4879a");
  EXPECT_EQ(WordsOf("Affrontement")[0].hash, WordsOf("affrontement")[0].hash);
}

TEST(WordsOf, InvalidUtf8DoesNotCrash) {
  std::string bad = "abc\xc3";  // truncated sequence at the end
  std::vector<WordSpan> w = WordsOf(bad);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].end, 3u);
}

TEST(Similarity, JaccardConversionRoundTrips) {
  for (int k : {1, 3, 5})
    for (double w : {0.5, 0.8, 0.9, 0.99})
      EXPECT_NEAR(SimilarityFromJaccard(JaccardFromSimilarity(w, k), k), w, 1e-9);
  // 10 % of words changed keeps ~0.9^3 of 3-shingles: J ~ 0.57.
  EXPECT_NEAR(JaccardFromSimilarity(0.9, 3), 0.5742, 1e-3);
}

TEST(NearDup, EditedCopyAtTenPercentIsFoundUnrelatedIsNot) {
  std::string port = Data("port.txt"), vaccins = Data("vaccins.txt"), orage = Data("orage.txt");
  ASSERT_FALSE(port.empty());
  int found = 0;
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    NearDupFinder finder;
    EXPECT_TRUE(finder.Add(0, "2024-03-01", WordsOf(port)).empty());
    EXPECT_TRUE(finder.Add(1, "2024-03-01", WordsOf(vaccins)).empty());
    EXPECT_TRUE(finder.Add(2, "2024-03-02", WordsOf(orage)).empty());
    std::string copy = Edit(port, 0.10, seed);
    ASSERT_NE(copy, port);
    std::vector<DupPair> pairs = finder.Add(3, "2024-03-02", WordsOf(copy));
    for (const DupPair& p : pairs) EXPECT_EQ(p.b, 0u) << "only the source is a near-duplicate";
    if (!pairs.empty()) {
      ++found;
      EXPECT_GT(pairs[0].similarity, 0.8);
      EXPECT_EQ(finder.groups().Representative(3), 0u);
    }
  }
  EXPECT_GE(found, 19);
}

TEST(NearDup, HeavilyEditedCopyIsNotANearDuplicate) {
  std::string port = Data("port.txt");
  NearDupFinder finder;
  finder.Add(0, "", WordsOf(port));
  EXPECT_TRUE(finder.Add(1, "", WordsOf(Edit(port, 0.45, 7))).empty());
}

// Random "texts" of unique words with a known shingle Jaccard: b repeats
// the first m words of a and continues with fresh ones.
std::pair<std::vector<WordSpan>, std::vector<WordSpan>> PairAtJaccard(double j, int k,
                                                                      std::mt19937_64& rng) {
  const int n = 400;
  const int shingles = n - k + 1;
  // shared / (2 * shingles - shared) = j
  int shared = static_cast<int>(std::lround(2.0 * shingles * j / (1 + j)));
  int m = shared + k - 1;
  std::vector<WordSpan> a, b;
  for (int i = 0; i < n; ++i) a.push_back({rng(), 0, 0});
  for (int i = 0; i < n; ++i) b.push_back(i < m ? a[i] : WordSpan{rng(), 0, 0});
  return {a, b};
}

double CandidateRate(const LshIndex& proto, double j, int k, int trials, uint64_t seed) {
  std::mt19937_64 rng(seed);
  int hits = 0;
  std::vector<DocId> cands;
  for (int t = 0; t < trials; ++t) {
    auto [a, b] = PairAtJaccard(j, k, rng);
    Signature sa, sb;
    ComputeSignature(a, k, &sa);
    ComputeSignature(b, k, &sb);
    LshIndex index(proto.bands(), proto.rows());
    index.Add(0, sa, &cands);
    index.Add(1, sb, &cands);
    hits += cands == std::vector<DocId>{0};
  }
  return static_cast<double>(hits) / trials;
}

TEST(Lsh, SCurveOfTheDefaultBanding) {
  DedupeOptions o;
  LshIndex index(o.bands, o.rows);
  // The verification threshold (similarity 0.8 = J 0.34 for 3-shingles)
  // sits above the S-curve midpoint so that LSH loses almost nothing.
  EXPECT_GT(index.CandidateProbability(0.57), 0.995);
  EXPECT_LT(index.CandidateProbability(0.05), 0.01);
  EXPECT_GE(CandidateRate(index, 0.6, 3, 300, 1), 0.98);
  EXPECT_LE(CandidateRate(index, 0.1, 3, 300, 2), 0.10);
}

TEST(Lsh, SCurveSixteenBandsOfEight) {
  // The textbook banding for a Jaccard threshold of ~0.7-0.8.
  LshIndex index(16, 8);
  EXPECT_GE(CandidateRate(index, 0.9, 5, 300, 3), 0.98);
  EXPECT_LE(CandidateRate(index, 0.3, 5, 300, 4), 0.02);
  // The empirical rate follows 1 - (1 - j^r)^b.
  double p = index.CandidateProbability(0.7);
  EXPECT_NEAR(CandidateRate(index, 0.7, 5, 400, 5), p, 0.08);
}

TEST(Lsh, EstimatedJaccardIsClose) {
  std::mt19937_64 rng(11);
  for (double j : {0.2, 0.5, 0.8}) {
    double sum = 0;
    for (int t = 0; t < 50; ++t) {
      auto [a, b] = PairAtJaccard(j, 3, rng);
      Signature sa, sb;
      ComputeSignature(a, 3, &sa);
      ComputeSignature(b, 3, &sb);
      sum += EstimateJaccard(sa, sb);
    }
    EXPECT_NEAR(sum / 50, j, 0.03) << j;
  }
}

TEST(Lsh, ShortTextsAreDensifiedDeterministically) {
  std::vector<WordSpan> w = WordsOf("un deux trois quatre cinq six");
  Signature s1, s2;
  ASSERT_TRUE(ComputeSignature(w, 3, &s1));
  ASSERT_TRUE(ComputeSignature(w, 3, &s2));
  EXPECT_EQ(s1, s2);
  for (uint32_t v : s1) EXPECT_NE(v, 0xffffffffu) << "every bin filled";
  EXPECT_FALSE(ComputeSignature(WordsOf("deux mots"), 3, &s1));
}

TEST(Lsh, RowsRoundTrip) {
  // The archive saves (band, hash) -> id rows and reloads them.
  LshIndex index;
  std::vector<Signature> sigs;
  std::vector<DocId> cands;
  for (const char* f : {"port.txt", "vaccins.txt", "orage.txt"}) {
    Signature s;
    ComputeSignature(WordsOf(Data(f)), 3, &s);
    index.Add(static_cast<DocId>(sigs.size()), s, &cands);
    sigs.push_back(s);
  }
  LshIndex loaded;
  size_t rows = 0;
  index.ForEachRow([&](const BandKey& key, DocId id) {
    EXPECT_EQ(key, index.Bands(sigs[id])[key.band]);
    loaded.AddRow(key, id);
    ++rows;
  });
  EXPECT_EQ(rows, 3u * index.bands());
  Signature copy;
  ComputeSignature(WordsOf(Edit(Data("vaccins.txt"), 0.03, 5)), 3, &copy);
  loaded.Query(copy, &cands);
  EXPECT_EQ(cands, std::vector<DocId>{1});
}

TEST(Groups, RepresentativeIsEarliestThenSmallestId) {
  DupGroups g;
  g.Add(5, DateKey("2021-06-02"));
  g.Add(3, DateKey("2021-06-03"));
  g.Add(9, DateKey("2021-06-02"));
  g.Add(7, DateKey(""));
  g.Union(3, 9);
  EXPECT_EQ(g.Representative(3), 9u);  // earlier date wins over smaller id
  g.Union(9, 5);
  EXPECT_EQ(g.Representative(9), 5u);  // same date: smaller id
  g.Union(7, 3);
  EXPECT_EQ(g.Representative(7), 5u);  // unknown dates never win
  g.Add(1, DateKey("2021"));
  g.Add(2, DateKey("2022-01-01"));
  g.Union(1, 2);
  EXPECT_EQ(g.Representative(2), 1u);
  EXPECT_EQ(g.GroupCount(), 2u);
  auto groups = g.Groups();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1].first, 5u);
  EXPECT_EQ(groups[1].second, (std::vector<DocId>{3, 5, 7, 9}));
}

TEST(Dates, KeyAndDirection) {
  EXPECT_LT(DateKey("2020-01-31"), DateKey("2020-02-01"));
  EXPECT_EQ(DateKey("n/a"), INT32_MAX);
  EXPECT_EQ(Direction("2020-01-01", "2020-01-02"), 1);
  EXPECT_EQ(Direction("2020-03-01", "2020-01-02"), -1);
  EXPECT_EQ(Direction("2020", "2020-05-01"), 0);  // not comparable
  EXPECT_EQ(Direction("2019", "2020-05-01"), 1);
  EXPECT_EQ(Direction("", "2020-05-01"), 0);
}

std::string Sub(const std::string& s, uint32_t b, uint32_t e) { return s.substr(b, e - b); }

TEST(Passages, GoldenPair) {
  std::string a = Data("pair1.a.txt"), b = Data("pair1.b.txt");
  std::istringstream expected(Data("pair1.expected"));
  std::string line, want_a, want_b;
  while (std::getline(expected, line)) {
    if (line.rfind("a\t", 0) == 0) want_a = line.substr(2);
    if (line.rfind("b\t", 0) == 0) want_b = line.substr(2);
  }
  ASSERT_FALSE(want_a.empty());
  std::vector<Passage> ps = AlignPassages(WordsOf(a), WordsOf(b));
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(Sub(a, ps[0].a_begin, ps[0].a_end), want_a);
  EXPECT_EQ(Sub(b, ps[0].b_begin, ps[0].b_end), want_b);
  EXPECT_GT(ps[0].similarity, 0.8);
  EXPECT_LT(ps[0].similarity, 1.0);
}

TEST(Passages, TransplantedParagraphIsFoundWithOffsets) {
  std::string port = Data("port.txt"), orage = Data("orage.txt");
  // A ~40-word paragraph of port.txt, lightly edited, inserted in orage.txt.
  size_t p0 = port.find("Les pêcheurs, qui");
  size_t p1 = port.find("\n", p0);
  ASSERT_NE(p0, std::string::npos);
  std::string para = port.substr(p0, p1 - p0);
  std::string edited = para;
  edited.replace(edited.find("longtemps"), 9, "des années");
  size_t at = orage.find("Dans le village");
  std::string host = orage.substr(0, at) + edited + "\n\n" + orage.substr(at);
  std::vector<Passage> ps = AlignPassages(WordsOf(port), WordsOf(host));
  ASSERT_EQ(ps.size(), 1u);
  const Passage& p = ps[0];
  std::string in_a = Sub(port, p.a_begin, p.a_end), in_b = Sub(host, p.b_begin, p.b_end);
  EXPECT_EQ(p.a_begin, p0);
  EXPECT_EQ(p.b_begin, at);
  EXPECT_TRUE(in_a.find("Yannick Le Bihan") != std::string::npos) << in_a;
  EXPECT_TRUE(in_b.find("Yannick Le Bihan") != std::string::npos) << in_b;
  EXPECT_TRUE(in_b.find("des années") != std::string::npos) << in_b;
  EXPECT_TRUE(edited.find(in_b.substr(0, in_b.size() - 1)) == 0) << "no text of the host in b";
  EXPECT_GE(p.a_words, 40u);
  EXPECT_GT(p.similarity, 0.9);
  // Symmetric: the same passage seen from the host.
  std::vector<Passage> back = AlignPassages(WordsOf(host), WordsOf(port));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].a_begin, p.b_begin);
  EXPECT_EQ(back[0].b_end, p.a_end);
}

TEST(Passages, ShortSharedSentenceIsNotAPassage) {
  // 15 words shared verbatim, inside otherwise unrelated texts.
  std::string shared =
      "le ministère de la Santé rappelle que la rougeole est très contagieuse chez l'enfant";
  ASSERT_LT(WordsOf(shared).size(), 20u);
  std::string a = Data("port.txt") + "\n" + shared + "\n" + Data("orage.txt");
  std::string b = Data("vaccins.txt").substr(0, 300) + "\n" + shared + ".";
  EXPECT_TRUE(AlignPassages(WordsOf(a), WordsOf(b)).empty());
  // The same sentence pair at 25 words is one.
  std::string longer = shared + " et que deux doses du vaccin protègent durablement la population";
  EXPECT_GE(WordsOf(longer).size(), 20u);
  std::string a2 = Data("port.txt") + "\n" + longer + "\n" + Data("orage.txt");
  std::string b2 = Data("vaccins.txt").substr(0, 300) + "\n" + longer + ".";
  EXPECT_EQ(AlignPassages(WordsOf(a2), WordsOf(b2)).size(), 1u);
}

TEST(Passages, UnrelatedArticlesShareNone) {
  std::vector<std::string> docs = {Data("port.txt"), Data("vaccins.txt"), Data("orage.txt")};
  for (size_t i = 0; i < docs.size(); ++i)
    for (size_t j = 0; j < docs.size(); ++j)
      if (i != j) {
        EXPECT_TRUE(AlignPassages(WordsOf(docs[i]), WordsOf(docs[j])).empty());
      }
}

TEST(Passages, InvariantsOverRandomEdits) {
  // Property: offsets are in range and ordered, lengths meet the minimum,
  // passages do not overlap, and the result is deterministic.
  std::string port = Data("port.txt");
  PassageOptions o;
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    double rate = 0.02 * (seed % 10);
    std::string copy = Edit(port, rate, seed);
    auto wa = WordsOf(port), wb = WordsOf(copy);
    std::vector<Passage> ps = AlignPassages(wa, wb, o);
    EXPECT_EQ(ps.size(), AlignPassages(wa, wb, o).size());
    if (rate <= 0.06) {
      EXPECT_FALSE(ps.empty()) << rate;
    }
    for (size_t i = 0; i < ps.size(); ++i) {
      const Passage& p = ps[i];
      EXPECT_LT(p.a_begin, p.a_end);
      EXPECT_LE(p.a_end, port.size());
      EXPECT_LT(p.b_begin, p.b_end);
      EXPECT_LE(p.b_end, copy.size());
      EXPECT_GE(p.a_words, o.min_words);
      EXPECT_GE(p.b_words, o.min_words);
      EXPECT_LE(p.similarity, 1.0);
      EXPECT_GE(p.matched, o.min_density * std::max(p.a_words, p.b_words) - 1e-9);
      for (size_t j = 0; j < i; ++j) {
        EXPECT_TRUE(p.a_end <= ps[j].a_begin || ps[j].a_end <= p.a_begin);
        EXPECT_TRUE(p.b_end <= ps[j].b_begin || ps[j].b_end <= p.b_begin);
      }
    }
  }
}

TEST(Passages, CandidatePairsSkipSameGroupAndCommonFingerprints) {
  PassageOptions o;
  o.max_df = 2;
  std::string port = Data("port.txt"), orage = Data("orage.txt"), vaccins = Data("vaccins.txt");
  std::string boiler =
      "Retrouvez toute l'actualité de votre région dans notre application gratuite pour "
      "téléphone et tablette, disponible dès aujourd'hui.";
  std::vector<std::string> docs = {port, Edit(port, 0.02, 3), orage + "\n" + boiler,
                                   vaccins + "\n" + boiler, port.substr(0, 600) + boiler};
  std::vector<DocId> group = {0, 0, 2, 3, 4};
  FingerprintIndex index;
  std::vector<uint64_t> fps;
  for (DocId i = 0; i < docs.size(); ++i) {
    Fingerprints(WordsOf(docs[i]), o, &fps);
    index.Add(i, group[i], fps);
  }
  auto pairs = index.CandidatePairs(o);
  // 0-1 are one group; the boilerplate is in three groups (> max_df); 4
  // shares the start of port.txt with 0 and 1.
  EXPECT_EQ(pairs, (std::vector<std::pair<DocId, DocId>>{{0, 4}, {1, 4}}));
}

TEST(Passages, SubtractFingerprintsKeepsWhatTheRepresentativeLacks) {
  std::vector<uint64_t> member = {1, 4, 5, 9, 12};
  std::vector<uint64_t> rep = {2, 4, 9, 10};
  SubtractFingerprints(rep, &member);
  EXPECT_EQ(member, (std::vector<uint64_t>{1, 5, 12}));
  SubtractFingerprints({}, &member);
  EXPECT_EQ(member.size(), 3u);
}

TEST(Determinism, SameInputSameOutput) {
  std::string a = Data("port.txt"), b = Edit(Data("port.txt"), 0.08, 21);
  Signature s1, s2;
  ComputeSignature(WordsOf(a), 3, &s1);
  ComputeSignature(WordsOf(a), 3, &s2);
  EXPECT_EQ(s1, s2);
  LshIndex index;
  EXPECT_EQ(index.Bands(s1), index.Bands(s2));
  std::vector<Passage> p1 = AlignPassages(WordsOf(a), WordsOf(b));
  std::vector<Passage> p2 = AlignPassages(WordsOf(a), WordsOf(b));
  ASSERT_EQ(p1.size(), p2.size());
  ASSERT_FALSE(p1.empty());
  for (size_t i = 0; i < p1.size(); ++i) {
    EXPECT_EQ(p1[i].a_begin, p2[i].a_begin);
    EXPECT_EQ(p1[i].a_end, p2[i].a_end);
    EXPECT_EQ(p1[i].b_begin, p2[i].b_begin);
    EXPECT_EQ(p1[i].b_end, p2[i].b_end);
    EXPECT_EQ(p1[i].similarity, p2[i].similarity);
  }
}

TEST(Seeds, SharedBackgroundParagraph) {
  const std::string dir = "/work/shared/corpus/seeds/";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "shared seeds absent: " << dir;
  auto load = [&](const std::string& prefix) {
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().filename().string().rfind(prefix, 0) == 0) return ReadFile(e.path().string());
    return std::string();
  };
  std::string s0 = load("000_"), s1 = load("001_"), s2 = load("002_"), s3 = load("003_"),
              s4 = load("004_");
  ASSERT_FALSE(s0.empty() || s3.empty());
  std::vector<Passage> ps = AlignPassages(WordsOf(s0), WordsOf(s3));
  ASSERT_FALSE(ps.empty());
  // The phrases the gold (seeds.json "reuse") says each side contains.
  std::string in0 = Sub(s0, ps[0].a_begin, ps[0].a_end), in3 = Sub(s3, ps[0].b_begin, ps[0].b_end);
  EXPECT_NE(in0.find("l’affrontement entre les forces gouvernementales et les militants talibans"),
            std::string::npos)
      << in0;
  EXPECT_NE(in3.find("affrontement entre les forces gouvernementales et les militants talibans"),
            std::string::npos)
      << in3;
  // "not_reuse" pairs.
  EXPECT_TRUE(AlignPassages(WordsOf(s0), WordsOf(s2)).empty());
  EXPECT_TRUE(AlignPassages(WordsOf(s1), WordsOf(s4)).empty());
  // Nor are the seeds near-duplicates of each other.
  NearDupFinder finder;
  DocId id = 0;
  for (const std::string* s : {&s0, &s1, &s2, &s3, &s4})
    EXPECT_TRUE(finder.Add(id++, "", WordsOf(*s)).empty());
}

}  // namespace
}  // namespace veille::reuse
