// events_extract_fuzz.cc: the event extractor on arbitrary text (repaired to
// valid UTF-8, as cleaning hands it over), with the entity recogniser's
// mentions and a time expression over random bytes. Checks that it does not
// crash and that every event lies inside its sentence inside the text.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "veille/entities.h"
#include "veille/events.h"
#include "veille/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* extractor = [] {
    auto x = veille::events::Extractor::Create();
    if (!x.ok()) std::abort();
    return std::move(x).value().release();
  }();
  static const auto* recognizer = [] {
    auto r = veille::EntityRecognizer::Create();
    if (!r.ok()) std::abort();
    return std::move(r).value().release();
  }();
  std::string text =
      veille::RepairUtf8(std::string_view(reinterpret_cast<const char*>(data), size));
  const char* lang = size % 2 ? "en" : "fr";
  std::vector<veille::Mention> mentions;
  for (auto& m : recognizer->Recognize(text, lang))
    mentions.push_back({m.text, m.type, m.begin, m.end, m.canonical, m.role});
  std::vector<veille::events::TimeRef> times;
  if (text.size() > 4)
    times.push_back({1, static_cast<uint32_t>(text.size() / 2), text.substr(0, 10)});
  for (const auto& e : extractor->Extract(text, lang, mentions, {}, times, "2021-08-13")) {
    if (e.begin >= e.end || e.end > text.size() || e.sentence_begin > e.begin ||
        e.sentence_end < e.end || e.sentence_end > text.size())
      std::abort();
  }
  return 0;
}
