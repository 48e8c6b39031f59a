// search_latency.cc: search latency over a fixed query list.
//
// Usage: veille-search-bench --db ARCHIVE [--queries bench/queries.txt] [--rounds 3]
//        [--slowest N]  (also list the N queries that took the most CPU time)
// Each line of the query file is a query, optionally followed by TAB-separated
// filters (--lang X, --since D, --until D, --outlet O). Prints p50/p90/p99 and
// max latency (first round warms the page cache and is not counted when
// rounds > 1), and the mean hits per query; then the same percentiles of the
// CPU time each search took on its thread (what the search costs, without the
// time the thread waited for a core: on a shared machine the wall-clock
// figures include other processes' work).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "veille/archive.h"

using namespace veille;

namespace {

bool ParseLine(const std::string& line, SearchOptions* o) {
  std::vector<std::string> parts;
  std::stringstream ss(line);
  std::string p;
  while (std::getline(ss, p, '\t')) parts.push_back(p);
  if (parts.empty() || parts[0].empty() || parts[0][0] == '#') return false;
  o->query = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) {
    auto sp = parts[i].find(' ');
    if (sp == std::string::npos) continue;
    std::string k = parts[i].substr(0, sp), v = parts[i].substr(sp + 1);
    if (k == "--lang") o->language = v;
    if (k == "--since") o->since = v;
    if (k == "--until") o->until = v;
    if (k == "--outlet") o->outlet = v;
  }
  return true;
}

double ThreadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double Pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  std::string db = "veille.db", queries = std::string(VEILLE_SOURCE_DIR) + "/bench/queries.txt";
  int rounds = 3;
  int slowest = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--db")
      db = argv[i + 1];
    else if (a == "--queries")
      queries = argv[i + 1];
    else if (a == "--rounds")
      rounds = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--slowest")
      slowest = std::atoi(argv[i + 1]);
  }
  auto archive = Archive::Open(db, OpenMode::kReadOnly);
  if (!archive.ok()) {
    std::fprintf(stderr, "%s\n", archive.error().message.c_str());
    return 1;
  }
  std::ifstream in(queries);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", queries.c_str());
    return 1;
  }
  std::vector<SearchOptions> list;
  for (std::string line; std::getline(in, line);) {
    SearchOptions o;
    if (ParseLine(line, &o)) list.push_back(o);
  }
  std::vector<double> ms, cpu_ms;
  std::vector<std::pair<double, std::string>> by_query;
  size_t errors = 0, hits = 0;
  for (int round = 0; round < rounds; ++round) {
    for (auto& o : list) {
      const double c0 = ThreadCpuMs();
      auto t0 = std::chrono::steady_clock::now();
      auto r = (*archive)->Search(o);
      double t =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      const double c = ThreadCpuMs() - c0;
      if (round == 0 && rounds > 1) continue;
      ms.push_back(t);
      cpu_ms.push_back(c);
      if (!r.ok()) {
        ++errors;
        std::fprintf(stderr, "query '%s': %s\n", o.query.c_str(), r.error().message.c_str());
      } else {
        hits += r->total;
        by_query.emplace_back(c, o.query + "  (" + std::to_string(r->total) + " hits)");
      }
    }
  }
  std::printf("search: %zu queries x %d timed rounds, %zu errors, mean %.0f hits/query\n",
              list.size(), rounds > 1 ? rounds - 1 : 1, errors,
              ms.empty() ? 0.0 : static_cast<double>(hits) / ms.size());
  std::printf("search latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", Pct(ms, 0.5),
              Pct(ms, 0.9), Pct(ms, 0.99), Pct(ms, 1.0));
  std::printf("search cpu ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", Pct(cpu_ms, 0.5),
              Pct(cpu_ms, 0.9), Pct(cpu_ms, 0.99), Pct(cpu_ms, 1.0));
  std::sort(by_query.rbegin(), by_query.rend());
  for (int i = 0; i < slowest && i < static_cast<int>(by_query.size()); ++i)
    std::printf("  %.2f ms CPU  %s\n", by_query[i].first, by_query[i].second.c_str());
  return errors ? 1 : 0;
}
