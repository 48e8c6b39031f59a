// quotes_bench.cc: quote extraction throughput (MB/s) on wire-like French
// text with straight quotes and glued paragraphs, and on « » text.
#include <benchmark/benchmark.h>

#include <string>

#include "veille/quotes.h"

namespace {

// About 3 KB of invented wire copy, the size of an OrangeSum article.
std::string WireArticle() {
  std::string p =
      "Le ministre de l'Intérieur, Gérald Lemoine, a annoncé jeudi un renfort de policiers "
      "dans les quartiers nord.\"Nous allons déployer trois cents agents supplémentaires dès "
      "lundi\", a-t-il déclaré lors d'un déplacement à Marseille.La mesure a été saluée par "
      "les élus locaux. \"C'est un premier pas, mais il faudra aller beaucoup plus loin\", a "
      "estimé la maire du secteur, Anne Rivière, qui réclame aussi des moyens pour les "
      "associations.Selon le syndicat Alliance, les effectifs restent \"très insuffisants\" "
      "face à la hausse des violences. ";
  std::string out;
  while (out.size() < 3000) out += p;
  return out;
}

std::string GuillemetArticle() {
  std::string p =
      "« La prise de la ville ne signifie rien », a déclaré le diplomate Youri Bassov, "
      "envoyé spécial du président.\nSelon lui, les pourparlers « se feront d'une manière ou "
      "d'une autre ».\n« Nous suivons la situation de près. »\nLe ministère a par ailleurs "
      "démenti toute intervention.\n";
  std::string out;
  while (out.size() < 3000) out += p;
  return out;
}

void Run(benchmark::State& state, const std::string& text, const char* lang) {
  auto ex = veille::QuoteExtractor::Create();
  if (!ex.ok()) {
    state.SkipWithError(ex.error().message.c_str());
    return;
  }
  size_t quotes = 0;
  for (auto _ : state) {
    auto q = (*ex)->Extract(text, lang, {});
    quotes += q.size();
    benchmark::DoNotOptimize(q);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
  state.counters["quotes/article"] = double(quotes) / double(state.iterations());
}

void BM_ExtractWire(benchmark::State& state) { Run(state, WireArticle(), "fr"); }
void BM_ExtractGuillemets(benchmark::State& state) { Run(state, GuillemetArticle(), "fr"); }

BENCHMARK(BM_ExtractWire);
BENCHMARK(BM_ExtractGuillemets);

}  // namespace
