// events_bench.cc: event extraction throughput (MB/s, events per article)
// on invented French wire copy the size of an OrangeSum article, with the
// entity mentions computed once outside the timed loop.
#include <benchmark/benchmark.h>

#include <string>

#include "veille/entities.h"
#include "veille/events.h"

namespace {

std::string FrenchArticle() {
  std::string p =
      "Les rebelles du Front uni ont pris le contrôle de Valdora mardi, après trois jours de "
      "combats.La chute de Valdora prive le gouvernement de son dernier port, a indiqué un "
      "responsable militaire. Mercredi, la ville de Saint-Ambroise est tombée aux mains des "
      "insurgés, qui se sont également emparés de l'aéroport de Lenzac. Le gouverneur, Paul "
      "Mercier, a été arrêté par les combattants. Les insurgés n'ont pas encore pris "
      "Castelmarin.\"Nous ne reculerons pas\", a déclaré le ministre Jean Ravel, qui a annoncé "
      "le déploiement de 2 000 soldats à Castelmarin. Le maire a salué la décision du conseil "
      "municipal, qui votera le budget la semaine prochaine. ";
  std::string out;
  while (out.size() < 3000) out += p;
  return out;
}

void BM_ExtractFrench(benchmark::State& state) {
  auto x = veille::events::Extractor::Create();
  auto r = veille::EntityRecognizer::Create();
  if (!x.ok() || !r.ok()) {
    state.SkipWithError("cannot load data/events or data/entities");
    return;
  }
  const std::string text = FrenchArticle();
  std::vector<veille::Mention> mentions;
  for (auto& m : (*r)->Recognize(text, "fr"))
    mentions.push_back({m.text, m.type, m.begin, m.end, m.canonical, m.role});
  size_t events = 0;
  for (auto _ : state) {
    auto ev = (*x)->Extract(text, "fr", mentions, {}, {}, "2021-03-12");
    events += ev.size();
    benchmark::DoNotOptimize(ev);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
  state.counters["events/article"] = double(events) / double(state.iterations());
  state.counters["articles/s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ExtractFrench);

}  // namespace
