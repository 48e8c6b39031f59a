// text_bench.cc: throughput of TextAnalyzer::Analyze (MB/s) on French news
// text, with and without stemming, and of NormalizeForHash.
//
// Input: the invented paragraphs of tests/data/text/analyze_fr.txt repeated
// to about 1 MB; set VEILLE_BENCH_TEXT=<file> to measure on real text (e.g.
// article bodies extracted from a corpus, one per line). The repeated text
// has a tiny vocabulary, so its stems always come from the stem cache;
// BM_AnalyzeFrenchUnseenWords uses generated words that are (nearly) never
// seen twice, which bounds the speed from below.
// Baseline to beat: 40 MB/s single-threaded for Analyze in French.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "veille/text.h"

namespace {

const std::string& Text() {
  static const std::string text = [] {
    const char* env = std::getenv("VEILLE_BENCH_TEXT");
    std::ifstream in(env ? env : VEILLE_SOURCE_DIR "/tests/data/text/analyze_fr.txt",
                     std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string one = ss.str(), all;
    if (one.empty()) one = "Les talibans ont pris Kaboul. ";
    while (all.size() < (1u << 20)) all += one;
    return all;
  }();
  return text;
}

const veille::TextAnalyzer& Analyzer() {
  static auto a = std::move(veille::TextAnalyzer::Create()).value();
  return *a;
}

void Analyze(benchmark::State& state, const char* lang) {
  const auto& text = Text();
  const auto& a = Analyzer();
  size_t terms = 0;
  for (auto _ : state) {
    a.Analyze(
        text, lang,
        [](void* ctx, std::string_view, uint32_t, uint32_t) {
          ++*static_cast<size_t*>(ctx);
          return true;
        },
        &terms);
  }
  benchmark::DoNotOptimize(terms);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_AnalyzeFrench(benchmark::State& s) { Analyze(s, "fr"); }

// Pseudo-French words from random syllables and endings, with stop words
// and punctuation in news-like proportions: nearly every word is new.
void BM_AnalyzeFrenchUnseenWords(benchmark::State& state) {
  static const std::string text = [] {
    const char* syl[] = {"ta",  "li",  "ban", "ka",  "bou", "mi",  "nis", "tè",  "ré", "pro",
                         "vin", "cia", "dé",  "fen", "sol", "dat", "gou", "ver", "né", "ca"};
    const char* end[] = {"", "s", "e", "es", "é", "ée", "és", "ent", "ions", "ait", "ement"};
    const char* stop[] = {"le", "la", "les", "de", "des", "à", "et", "en", "du", "l'", "d'"};
    std::mt19937 rng(42);
    std::string t;
    while (t.size() < (1u << 20)) {
      if (rng() % 3 == 0) {
        t += stop[rng() % 11];
        if (t.back() != '\'') t += ' ';
        continue;
      }
      if (rng() % 8 == 0) t += "K";
      for (int n = 2 + rng() % 3; n > 0; --n) t += syl[rng() % 20];
      t += end[rng() % 11];
      t += rng() % 12 == 0 ? ", " : " ";
    }
    return t;
  }();
  const auto& a = Analyzer();
  size_t terms = 0;
  for (auto _ : state) {
    a.Analyze(
        text, "fr",
        [](void* ctx, std::string_view, uint32_t, uint32_t) {
          ++*static_cast<size_t*>(ctx);
          return true;
        },
        &terms);
  }
  benchmark::DoNotOptimize(terms);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_AnalyzeFrenchUnseenWords);
void BM_AnalyzeFoldOnly(benchmark::State& s) { Analyze(s, ""); }

// The public vector<Token> API, as snippets use it.
void BM_AnalyzeFrenchTokens(benchmark::State& state) {
  const auto& text = Text();
  std::vector<veille::Token> toks;
  for (auto _ : state) {
    toks.clear();
    Analyzer().Analyze(text, "fr", &toks);
    benchmark::DoNotOptimize(toks.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_NormalizeForHash(benchmark::State& state) {
  const auto& text = Text();
  for (auto _ : state) benchmark::DoNotOptimize(veille::NormalizeForHash(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

BENCHMARK(BM_AnalyzeFrench);
BENCHMARK(BM_AnalyzeFoldOnly);
BENCHMARK(BM_AnalyzeFrenchTokens);
BENCHMARK(BM_NormalizeForHash);

}  // namespace
