// html_extract_fuzz.cc: DecodeToUtf8 then HtmlExtractor::Extract on arbitrary
// bytes must not crash, and must give valid UTF-8 text, title and URL, and
// dates in ISO 8601 form.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "veille/html.h"
#include "veille/utf8.h"

namespace {

bool Valid(std::string_view s) { return veille::FindInvalidUtf8(s) == std::string_view::npos; }

bool IsoDate(const std::optional<std::string>& d) {
  if (!d) return true;
  const std::string& s = *d;
  return s.size() >= 10 && s[4] == '-' && s[7] == '-';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const veille::HtmlExtractor* ex = [] {
    veille::HtmlOptions o;
    o.max_depth = 64;
    auto r = veille::HtmlExtractor::Create(o);
    if (!r.ok()) std::abort();
    return r->release();
  }();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto html = veille::DecodeToUtf8(bytes);
  if (!html.ok()) return 0;
  if (!Valid(*html)) std::abort();
  veille::PageInput in{*html, std::string("https://example.org/2021/08/23/page"), {}};
  auto page = ex->Extract(in);
  if (!page.ok()) return 0;
  if (!Valid(page->text)) std::abort();
  if (page->title && !Valid(*page->title)) std::abort();
  if (page->canonical_url && !Valid(*page->canonical_url)) std::abort();
  if (!IsoDate(page->date) || !IsoDate(page->modified)) std::abort();
  for (const veille::Block& b : page->blocks)
    if (b.text.empty() || !Valid(b.text)) std::abort();
  return 0;
}
