// html_bench.cc: HTML extraction speed, end to end from the .html.gz file to
// the JSON object of `veille extract` (gunzip, charset, parse, extraction,
// metadata, JSON), on the project's own pages and, when ../shared is there,
// on the scrapinghub benchmark pages (in memory, compressed).
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "veille/html.h"
#include "veille/html_eval.h"

namespace {

namespace fs = std::filesystem;

std::vector<std::string> LoadDir(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().string().size() > suffix.size() &&
        e.path().string().compare(e.path().string().size() - suffix.size(), suffix.size(),
                                  suffix) == 0)
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& p : files) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out.push_back(ss.str());
  }
  return out;
}

std::string Gunzip(const std::string& gz) {
  if (gz.size() < 2 || static_cast<unsigned char>(gz[0]) != 0x1f) return gz;
  std::string out;
  z_stream zs{};
  inflateInit2(&zs, 15 + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  char buf[65536];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&zs);
  return out;
}

void Run(benchmark::State& state, const std::vector<std::string>& pages) {
  auto ex = veille::HtmlExtractor::Create();
  if (!ex.ok() || pages.empty()) {
    state.SkipWithError("no extractor or no pages");
    return;
  }
  size_t bytes = 0, n = 0;
  for (auto _ : state) {
    for (const std::string& gz : pages) {
      std::string raw = Gunzip(gz);
      auto html = veille::DecodeToUtf8(raw);
      if (!html.ok()) continue;
      veille::PageInput in{*html, std::nullopt, {}};
      auto page = (*ex)->Extract(in);
      if (page.ok()) benchmark::DoNotOptimize(veille::PageToJson(*page, "bench", std::nullopt));
      bytes += raw.size();
      ++n;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_ExtractOwnPages(benchmark::State& state) {
  static const auto pages = LoadDir(std::string(VEILLE_SOURCE_DIR) + "/tests/data/html", ".html");
  Run(state, pages);
}
BENCHMARK(BM_ExtractOwnPages)->Unit(benchmark::kMillisecond);

void BM_ExtractScrapinghub(benchmark::State& state) {
  static const auto pages = LoadDir(
      std::string(VEILLE_SOURCE_DIR) + "/../shared/data/extraction/scrapinghub/html", ".html.gz");
  Run(state, pages);
}
BENCHMARK(BM_ExtractScrapinghub)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
