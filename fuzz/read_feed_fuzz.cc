// read_feed_fuzz.cc: ParseFeed and NormalizeFeedDate on arbitrary bytes must
// not crash; items are numbered in order; dates come back normalised or empty.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "veille/feed.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)veille::LooksLikeFeed(bytes);
  std::string d = veille::NormalizeFeedDate(bytes.substr(0, 64));
  if (!d.empty() && veille::NormalizeFeedDate(d) != d) std::abort();  // idempotent
  auto f = veille::ParseFeed(bytes, "https://feed.example/rss");
  if (!f.ok()) return 0;
  for (size_t i = 0; i < f->items.size(); ++i) {
    const veille::FeedItem& it = f->items[i];
    if (it.number != i + 1) std::abort();
    if (!it.published.empty() && veille::NormalizeFeedDate(it.published) != it.published)
      std::abort();
  }
  return 0;
}
