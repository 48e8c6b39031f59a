// read_json_fuzz.cc: ParseJsonArticle on arbitrary bytes must not crash, and
// an accepted line yields valid UTF-8 everywhere and a non-empty id and text.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "veille/read.h"
#include "veille/utf8.h"

namespace {
bool Valid(std::string_view s) { return veille::FindInvalidUtf8(s) == std::string_view::npos; }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto a = veille::ParseJsonArticle(line, "fuzz.jsonl:1");
  if (!a.ok()) return 0;
  if (a->id.empty() || a->text.empty()) std::abort();
  if (!Valid(a->id) || !Valid(a->text) || !Valid(a->metadata_json)) std::abort();
  for (const auto* field : {&a->title, &a->date, &a->url, &a->outlet, &a->language, &a->summary}) {
    if (*field && !Valid(**field)) std::abort();
  }
  if (a->metadata_json.empty() || a->metadata_json.front() != '{') std::abort();
  return 0;
}
