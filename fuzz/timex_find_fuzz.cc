// timex_find_fuzz.cc: timex::Find on arbitrary bytes (article text is
// untrusted) in French and English, with and without an anchor. Checks that
// nothing crashes and that every expression lies inside the text, in order,
// without overlap, with a value.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "veille/timex.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!veille::timex::LoadStatus().ok()) std::abort();
  for (const char* lang : {"fr", "en"}) {
    for (const char* anchor : {"2021-08-18", "", "2000-02-29", "2021-08", "1999"}) {
      size_t last = 0;
      for (const auto& e : veille::timex::Find(text, lang, anchor)) {
        if (e.begin < last || e.begin >= e.end || e.end > size || e.value.empty()) std::abort();
        last = e.end;
      }
    }
  }
  return 0;
}
