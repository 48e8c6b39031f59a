// text_query_fuzz.cc: ParseQuery and ToFts5Match on arbitrary bytes. Checks
// that neither crashes and that an accepted query yields a non-empty MATCH
// string whose double quotes are balanced (user text never escapes a term).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "veille/query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* analyzer = [] {
    auto a = veille::TextAnalyzer::Create();
    if (!a.ok()) std::abort();
    return std::move(a).value().release();
  }();
  std::string_view q(reinterpret_cast<const char*>(data), size);
  auto parsed = veille::ParseQuery(q);
  if (!parsed.ok()) return 0;
  static const std::vector<std::string> kLangs = {"fr", "en"};
  for (const auto& langs : {kLangs, std::vector<std::string>{}}) {
    auto m = veille::ToFts5Match(*parsed, *analyzer, langs);
    if (!m.ok()) continue;
    if (m->empty()) std::abort();
    size_t quotes = 0;
    for (char c : *m) quotes += c == '"';
    if (quotes % 2 != 0) std::abort();
  }
  (void)veille::MakeSnippet(*analyzer, q, "fr", *parsed, kLangs);
  return 0;
}
