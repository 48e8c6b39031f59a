// Throughput of the entity tagger (tokens/s per core) and of whole-article
// recognition, on invented French news text.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "veille/entities.h"

namespace {

const char* kArticle =
    "Le ministre des Affaires étrangères, Julien Mercadier, a rencontré mardi à Berlin son "
    "homologue allemande Katrin Vollmer pour évoquer la situation en Ukraine.\n"
    "Selon l’AFP, les deux responsables ont aussi parlé de la Russie, de l’Otan et du rôle de "
    "la Commission européenne. « Nous voulons une Europe unie », a déclaré M. Mercadier.\n"
    "À Kaboul, les talibans ont annoncé la formation d’un gouvernement, tandis que le président "
    "américain Joe Biden s’exprimait depuis la Maison Blanche à Washington.\n";

std::string DataDir() { return std::string(VEILLE_SOURCE_DIR) + "/data"; }

const veille::Tagger& GetTagger() {
  static auto* t = [] {
    auto r = veille::Tagger::Load(
        DataDir() + "/entities/ner.model",
        {DataDir() + "/entities/gazetteer.txt", DataDir() + "/entities/ner.names.txt"},
        {DataDir() + "/entities/clusters-en.tsv", DataDir() + "/entities/clusters-fr.tsv"});
    if (!r.ok()) {
      fprintf(stderr, "%s\n", r.error().message.c_str());
      std::abort();
    }
    return r.value().release();
  }();
  return *t;
}

void BM_TagSentences(benchmark::State& state) {
  const auto& tagger = GetTagger();
  std::string text = kArticle;
  auto tt = veille::TokenizeText(text);
  std::vector<std::vector<std::string_view>> sentences;
  for (const auto& s : tt.sentences) {
    std::vector<std::string_view> toks;
    for (uint32_t i = s.first; i < s.last; ++i)
      toks.push_back(
          std::string_view(text).substr(tt.tokens[i].begin, tt.tokens[i].end - tt.tokens[i].begin));
    sentences.push_back(std::move(toks));
  }
  veille::DocumentMemory memory;
  int64_t tokens = 0;
  for (auto _ : state) {
    memory.Clear();
    for (const auto& s : sentences) {
      auto tags = tagger.Tag(s, &memory);
      benchmark::DoNotOptimize(tags.data());
      tokens += static_cast<int64_t>(s.size());
    }
  }
  state.SetItemsProcessed(tokens);  // items/s = tokens/s
}
BENCHMARK(BM_TagSentences);

void BM_Tokenize(benchmark::State& state) {
  std::string text = kArticle;
  int64_t tokens = 0;
  for (auto _ : state) {
    auto tt = veille::TokenizeText(text);
    tokens += static_cast<int64_t>(tt.tokens.size());
    benchmark::DoNotOptimize(tt.tokens.data());
  }
  state.SetItemsProcessed(tokens);
}
BENCHMARK(BM_Tokenize);

void BM_RecognizeArticle(benchmark::State& state) {
  static auto* rec = [] {
    auto r = veille::EntityRecognizer::CreateFrom(DataDir());
    if (!r.ok()) std::abort();
    return r.value().release();
  }();
  std::string text = kArticle;
  int64_t tokens = static_cast<int64_t>(veille::TokenizeText(text).tokens.size());
  for (auto _ : state) {
    auto ms = rec->Recognize(text, "fr");
    benchmark::DoNotOptimize(ms.data());
  }
  state.SetItemsProcessed(tokens * state.iterations());  // tokens/s
  state.SetBytesProcessed(static_cast<int64_t>(text.size()) * state.iterations());
}
BENCHMARK(BM_RecognizeArticle);

}  // namespace
