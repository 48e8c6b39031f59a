// timex_bench.cc: Find() over a 2 KB French news article and an English one
// (written for the benchmark), the cost the ingest stage will pay per
// article. With TIMEX_BENCH_JSONL=FILE (JSON lines with "text" and "date",
// e.g. `zcat ../shared/corpus/orangesum-fr.jsonl.gz | head -5000 > FILE`),
// also over those articles, one iteration = one article.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "veille/timex.h"

namespace {

std::string FrenchArticle() {
  std::string p =
      "Les talibans ont pris Kandahar, la deuxième ville du pays, dans la nuit de jeudi à "
      "vendredi, après une semaine de combats. Hier soir, vers 21 h 30, les insurgés "
      "contrôlaient le centre-ville, selon des habitants joints par téléphone. Le 13 août 2021, "
      "Herat était déjà tombée. Il y a trois jours, le gouverneur affirmait encore que la ville "
      "tiendrait jusqu'à la fin du mois. Le président s'exprimera lundi prochain devant le "
      "Parlement, qui se réunit tous les jeudis depuis le début de l'année. Les négociations, "
      "engagées en septembre 2020 à Doha, devaient aboutir avant le 31 août. La semaine "
      "dernière, l'ambassade a réduit son personnel. Depuis vingt ans, la coalition a dépensé "
      "plusieurs centaines de milliards de dollars dans le pays. ";
  std::string s;
  while (s.size() < 2048) s += p;
  return s;
}

// A wire story as most are written: a few dates in much prose.
std::string FrenchWire() {
  std::string p =
      "Le conseil municipal a adopté hier soir le budget de la ville, après un débat "
      "animé entre la majorité et l'opposition sur le financement des nouvelles "
      "installations sportives et la rénovation de l'école du quartier nord. Le maire a "
      "rappelé que la commune avait engagé d'importants travaux de voirie et que les "
      "dépenses de fonctionnement restaient maîtrisées malgré la hausse du prix de "
      "l'énergie. L'opposition a dénoncé une augmentation des tarifs de la cantine et "
      "demandé un audit des comptes de la société d'économie mixte chargée du port de "
      "plaisance. Les associations de parents d'élèves, présentes dans la salle, ont "
      "réclamé davantage de places en crèche et une meilleure desserte par les bus. Le "
      "chantier de la médiathèque doit commencer en septembre et durer dix-huit mois, "
      "selon l'adjoint chargé de l'urbanisme, qui a présenté les plans de l'architecte "
      "retenu à l'issue du concours. La prochaine séance aura lieu le 14 octobre. ";
  std::string s;
  while (s.size() < 2048) s += p;
  return s;
}

void BM_FindFrenchWire(benchmark::State& state) {
  std::string text = FrenchWire();
  size_t n = 0;
  for (auto _ : state) {
    auto r = veille::timex::Find(text, "fr", "2021-08-18");
    n += r.size();
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
  state.counters["expressions"] = double(n) / double(state.iterations());
}
BENCHMARK(BM_FindFrenchWire);

std::string EnglishArticle() {
  std::string p =
      "The Taliban took Kandahar on Friday, a week after they began their offensive. "
      "Yesterday evening the insurgents controlled the city centre, residents said. On "
      "August 13, Herat had already fallen. Three days ago the governor said the city would "
      "hold until the end of the month. The president will address parliament next Monday; "
      "talks that began in September 2020 in Doha were meant to end by August 31. Last week "
      "the embassy cut its staff. Over twenty years the coalition spent hundreds of billions "
      "of dollars in the country. ";
  std::string s;
  while (s.size() < 2048) s += p;
  return s;
}

void BM_FindFrench(benchmark::State& state) {
  std::string text = FrenchArticle();
  size_t n = 0;
  for (auto _ : state) {
    auto r = veille::timex::Find(text, "fr", "2021-08-18");
    n += r.size();
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
  state.counters["expressions"] = double(n) / double(state.iterations());
}
BENCHMARK(BM_FindFrench);

void BM_FindEnglish(benchmark::State& state) {
  std::string text = EnglishArticle();
  for (auto _ : state) {
    auto r = veille::timex::Find(text, "en", "2021-08-18");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}
BENCHMARK(BM_FindEnglish);

void BM_FindJsonl(benchmark::State& state) {
  static std::vector<std::pair<std::string, std::string>> docs = [] {
    std::vector<std::pair<std::string, std::string>> out;
    const char* path = std::getenv("TIMEX_BENCH_JSONL");
    if (!path) return out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.contains("text")) continue;
      out.push_back({j.value("date", ""), j.value("text", "")});
    }
    return out;
  }();
  if (docs.empty()) {
    state.SkipWithError("set TIMEX_BENCH_JSONL to a JSON lines file");
    return;
  }
  size_t k = 0, bytes = 0;
  for (auto _ : state) {
    const auto& [date, text] = docs[k++ % docs.size()];
    auto r = veille::timex::Find(text, "fr", date.substr(0, 10));
    bytes += text.size();
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(int64_t(bytes));
}
BENCHMARK(BM_FindJsonl);

}  // namespace
