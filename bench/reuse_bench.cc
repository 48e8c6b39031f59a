// reuse_bench.cc: hot loops of near-duplicate and passage detection
// (tokenize, sign, LSH insert, align) on invented text of news length.
// The end-to-end figures at 100k-1M articles come from `veille-reuse scale`.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "veille/reuse.h"

namespace {

using namespace veille::reuse;

// A pseudo-article of ~400 words drawn from a Zipf-like vocabulary, with
// accents and punctuation as in French news.
std::string Article(uint64_t seed) {
  static const char* kWords[] = {
      "de",        "la",           "le",       "et",       "les",          "des",      "à",
      "en",        "un",           "du",       "été",      "gouvernement", "ministre", "déclaré",
      "président", "sécurité",     "économie", "élection", "région",       "journée",  "l’accord",
      "d’après",   "négociations", "réforme",  "hôpital"};
  std::mt19937_64 rng(seed);
  std::string out;
  for (int i = 0; i < 400; ++i) {
    size_t r = rng() % 25;
    r = r * r / 25;  // skew towards the frequent words
    out += kWords[r];
    out += (i % 17 == 16) ? ". " : (i % 7 == 6) ? ", " : " ";
    if (rng() % 5 == 0) out += std::to_string(rng() % 1000) + " ";
  }
  return out;
}

void BM_WordsOf(benchmark::State& state) {
  std::string text = Article(1);
  std::vector<WordSpan> w;
  for (auto _ : state) {
    WordsOf(text, &w);
    benchmark::DoNotOptimize(w.data());
  }
  state.SetBytesProcessed(state.iterations() * text.size());
}
BENCHMARK(BM_WordsOf);

void BM_Signature(benchmark::State& state) {
  std::vector<WordSpan> w = WordsOf(Article(2));
  Signature sig;
  for (auto _ : state) {
    ComputeSignature(w, 3, &sig);
    benchmark::DoNotOptimize(sig.data());
  }
  state.SetItemsProcessed(state.iterations() * w.size());
}
BENCHMARK(BM_Signature);

void BM_LshAdd(benchmark::State& state) {
  std::vector<Signature> sigs(4096);
  for (size_t i = 0; i < sigs.size(); ++i) ComputeSignature(WordsOf(Article(100 + i)), 3, &sigs[i]);
  LshIndex index;
  std::vector<DocId> cands;
  DocId id = 0;
  Signature sig;
  for (auto _ : state) {
    // A distinct article each time (no pile of identical copies).
    sig = sigs[id % sigs.size()];
    for (uint32_t& v : sig) v ^= id * 0x9e3779b9u;
    index.Add(id, sig, &cands);
    ++id;
  }
}
BENCHMARK(BM_LshAdd);

void BM_AlignEditedCopy(benchmark::State& state) {
  std::string a = Article(3);
  std::string b = Article(4).substr(0, 800) + a.substr(400, 1200) + Article(5).substr(0, 800);
  std::vector<WordSpan> wa = WordsOf(a), wb = WordsOf(b);
  for (auto _ : state) benchmark::DoNotOptimize(AlignPassages(wa, wb));
}
BENCHMARK(BM_AlignEditedCopy);

void BM_Fingerprints(benchmark::State& state) {
  std::vector<WordSpan> w = WordsOf(Article(6));
  std::vector<uint64_t> fps;
  PassageOptions o;
  for (auto _ : state) {
    Fingerprints(w, o, &fps);
    benchmark::DoNotOptimize(fps.data());
  }
}
BENCHMARK(BM_Fingerprints);

}  // namespace
