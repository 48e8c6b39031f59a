// clean_bench.cc: throughput of the clean stage (Cleaner::Clean,
// SplitSentences, CandidateLineFingerprints) in bytes per second.
//
// Input: the "text" fields of a JSONL file named by $VEILLE_BENCH_JSONL (e.g.
// `zcat orangesum-fr.jsonl.gz | head -5000 > /tmp/os.jsonl`); without it, an
// invented wire-style article with glued sentences, a slug and a share widget.
// Clean + Analyze together are measured by tests/analyze (Throughput test).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "veille/clean.h"

namespace {

const std::vector<std::string>& Texts() {
  static const std::vector<std::string>* texts = [] {
    auto* v = new std::vector<std::string>;
    if (const char* path = std::getenv("VEILLE_BENCH_JSONL")) {
      std::ifstream in(path);
      std::string line;
      while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded() && j.contains("text")) v->push_back(j["text"].get<std::string>());
      }
    }
    if (v->empty()) {
      std::string para =
          "Le ministre a annoncé jeudi un plan de 3.5 milliards d'euros pour les écoles.Le "
          "gouvernement veut achever les travaux avant 2025.Selon M. Durand, rapporteur du "
          "texte, \"il était temps\".L'opposition dénonce \"un effet d'annonce\". ";
      std::string text;
      for (int i = 0; i < 8; ++i) text += para;
      text += "insiste-t-il.bur-ab/cd\nPartagez cet article\nFacebook Twitter E-mail\n";
      v->assign(64, text);
    }
    return v;
  }();
  return *texts;
}

int64_t TotalBytes() {
  int64_t n = 0;
  for (const auto& t : Texts()) n += static_cast<int64_t>(t.size());
  return n;
}

void BM_Clean(benchmark::State& state) {
  auto cleaner = veille::Cleaner::Create();
  if (!cleaner.ok()) {
    state.SkipWithError(cleaner.error().message.c_str());
    return;
  }
  for (auto _ : state)
    for (const auto& t : Texts()) benchmark::DoNotOptimize((*cleaner)->Clean(t, nullptr));
  state.SetBytesProcessed(state.iterations() * TotalBytes());
}
BENCHMARK(BM_Clean)->Unit(benchmark::kMillisecond);

void BM_SplitSentences(benchmark::State& state) {
  for (auto _ : state)
    for (const auto& t : Texts()) benchmark::DoNotOptimize(veille::SplitSentences(t));
  state.SetBytesProcessed(state.iterations() * TotalBytes());
}
BENCHMARK(BM_SplitSentences)->Unit(benchmark::kMillisecond);

void BM_CandidateLineFingerprints(benchmark::State& state) {
  for (auto _ : state)
    for (const auto& t : Texts()) benchmark::DoNotOptimize(veille::CandidateLineFingerprints(t));
  state.SetBytesProcessed(state.iterations() * TotalBytes());
}
BENCHMARK(BM_CandidateLineFingerprints)->Unit(benchmark::kMillisecond);

}  // namespace
