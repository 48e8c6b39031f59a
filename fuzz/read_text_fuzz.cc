// read_text_fuzz.cc: ParseTextArticle on arbitrary bytes must not crash and
// must return valid UTF-8 with a one-line headline and a non-empty body.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "veille/read.h"
#include "veille/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto a = veille::ParseTextArticle("fuzz", "fuzz.txt", bytes);
  if (!a.ok()) return 0;
  if (a->text.empty() || veille::FindInvalidUtf8(a->text) != std::string_view::npos) std::abort();
  if (a->title && (a->title->empty() || a->title->find('\n') != std::string::npos ||
                   veille::FindInvalidUtf8(*a->title) != std::string_view::npos))
    std::abort();
  if (a->date && veille::NormalizeDate(*a->date) != *a->date) std::abort();
  return 0;
}
