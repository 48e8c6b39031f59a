// crawl_listing_fuzz.cc: ParseListing (feeds, sitemaps, section pages and
// their article links) on arbitrary bytes must not crash; its links are
// absolute http(s) URLs, each once, at most max_links, and a section page's
// links are on the page's site.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "veille/crawl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const veille::ArticleLinkRules* rules = [] {
    auto r = veille::ArticleLinkRules::LoadDefault();
    if (!r.ok()) std::abort();
    return new veille::ArticleLinkRules(std::move(r).value());
  }();
  if (size == 0) return 0;
  static const char* kKinds[] = {"auto", "feed", "sitemap", "page"};
  const char* kind = kKinds[data[0] % 4];
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string page = "https://www.journal.example/economie/";
  veille::Listing l = veille::ParseListing(body, "text/html", page, kind, *rules, 100);
  if (l.links.size() > 100) std::abort();
  if (l.kind == veille::Listing::Kind::kNone && !l.links.empty()) std::abort();
  std::set<std::string> seen;
  for (const auto& link : l.links) {
    if (link.url.rfind("http://", 0) != 0 && link.url.rfind("https://", 0) != 0) std::abort();
    if (!seen.insert(link.url).second) std::abort();
    if (l.kind == veille::Listing::Kind::kPage && !veille::SameSite(link.url, page)) std::abort();
  }
  return 0;
}
