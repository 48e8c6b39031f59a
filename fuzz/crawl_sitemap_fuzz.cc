// crawl_sitemap_fuzz.cc: ParseSitemap on arbitrary bytes must not crash and
// never returns an entry without a location.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "veille/crawl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto s = veille::ParseSitemap(std::string_view(reinterpret_cast<const char*>(data), size), 1000);
  if (!s.ok()) return 0;
  if (s->entries.size() > 1000) std::abort();
  for (const auto& e : s->entries)
    if (e.loc.empty()) std::abort();
  return 0;
}
