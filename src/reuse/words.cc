// words.cc: the standalone tokenizer and folder behind reuse::WordsOf.
#include <cstring>

#include "veille/reuse.h"
#include "veille/utf8.h"

namespace veille::reuse {
namespace {

// Base letters of the Latin-1 Supplement and Latin Extended-A blocks (the
// Unicode canonical decompositions minus the accent). A code table rather
// than a data file: it is a property of Unicode, not of a language, and the
// tokenizer must work before any data directory is known.
struct FoldRange {
  char32_t first, last;
  const char* base;
};
constexpr FoldRange kFolds[] = {
    {0xC0, 0xC5, "a"},   {0xC6, 0xC6, "ae"},   {0xC7, 0xC7, "c"},   {0xC8, 0xCB, "e"},
    {0xCC, 0xCF, "i"},   {0xD0, 0xD0, "d"},    {0xD1, 0xD1, "n"},   {0xD2, 0xD6, "o"},
    {0xD8, 0xD8, "o"},   {0xD9, 0xDC, "u"},    {0xDD, 0xDD, "y"},   {0xDE, 0xDE, "th"},
    {0xDF, 0xDF, "ss"},  {0xE0, 0xE5, "a"},    {0xE6, 0xE6, "ae"},  {0xE7, 0xE7, "c"},
    {0xE8, 0xEB, "e"},   {0xEC, 0xEF, "i"},    {0xF0, 0xF0, "d"},   {0xF1, 0xF1, "n"},
    {0xF2, 0xF6, "o"},   {0xF8, 0xF8, "o"},    {0xF9, 0xFC, "u"},   {0xFD, 0xFD, "y"},
    {0xFE, 0xFE, "th"},  {0xFF, 0xFF, "y"},    {0x100, 0x105, "a"}, {0x106, 0x10D, "c"},
    {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"},  {0x11C, 0x123, "g"}, {0x124, 0x127, "h"},
    {0x128, 0x131, "i"}, {0x132, 0x133, "ij"}, {0x134, 0x135, "j"}, {0x136, 0x138, "k"},
    {0x139, 0x142, "l"}, {0x143, 0x14B, "n"},  {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"},
    {0x154, 0x159, "r"}, {0x15A, 0x161, "s"},  {0x162, 0x167, "t"}, {0x168, 0x173, "u"},
    {0x174, 0x175, "w"}, {0x176, 0x178, "y"},  {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"},
    {0x218, 0x219, "s"}, {0x21A, 0x21B, "t"},
};

// Separators among non-ASCII code points: Latin-1 punctuation and symbols
// (no-break space, guillemets, degree...), the multiplication and division
// signs, general punctuation (typographic quotes and apostrophes, dashes,
// ellipsis), symbols and arrows, CJK punctuation, fullwidth ASCII
// punctuation, and U+FFFD. Everything else non-ASCII counts as a letter.
bool IsSeparator(char32_t c) {
  return (c >= 0x80 && c <= 0xBF) || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x2BFF) ||
         (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || c == 0xFFFD || c == 0xFEFF;
}

struct Tables {
  // ASCII: 0 = separator, else the folded byte.
  unsigned char ascii[128];
  // U+0080..U+024F: folded ASCII string (empty = separator), or nullptr = keep.
  const char* latin[0x250 - 0x80];
  Tables() {
    for (int c = 0; c < 128; ++c) {
      ascii[c] = 0;
      if (c >= '0' && c <= '9') ascii[c] = c;
      if (c >= 'a' && c <= 'z') ascii[c] = c;
      if (c >= 'A' && c <= 'Z') ascii[c] = c - 'A' + 'a';
    }
    for (char32_t c = 0x80; c < 0x250; ++c) latin[c - 0x80] = IsSeparator(c) ? "" : nullptr;
    for (const FoldRange& r : kFolds)
      for (char32_t c = r.first; c <= r.last; ++c) latin[c - 0x80] = r.base;
  }
};
const Tables kTables;

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

inline uint64_t Finish(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

// Simple case folding outside Latin: Greek and Cyrillic capitals.
inline char32_t Lower(char32_t c) {
  if (c >= 0x391 && c <= 0x3A9) return c + 0x20;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  return c;
}

}  // namespace

void WordsOf(std::string_view text, std::vector<WordSpan>* out) {
  out->clear();
  out->reserve(text.size() / 6 + 1);
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  bool in_word = false;
  uint64_t h = kFnvOffset;
  uint32_t begin = 0;
  auto close = [&](size_t end) {
    if (in_word) out->push_back({Finish(h), begin, static_cast<uint32_t>(end)});
    in_word = false;
  };
  auto feed = [&](size_t start, unsigned char b) {
    if (!in_word) {
      in_word = true;
      h = kFnvOffset;
      begin = static_cast<uint32_t>(start);
    }
    h = (h ^ b) * kFnvPrime;
  };
  while (i < n) {
    if (s[i] < 0x80) {
      unsigned char f = kTables.ascii[s[i]];
      if (f) {
        feed(i, f);
      } else {
        close(i);
      }
      ++i;
      continue;
    }
    size_t start = i;
    char32_t c;
    // Invalid UTF-8 (the archive repairs it, but tests may not): treat the
    // byte as a separator rather than reading past the end.
    unsigned char b0 = s[i];
    size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1;
    if (len == 1 || i + len > n) {
      close(i);
      ++i;
      continue;
    }
    c = DecodeUtf8(text, i);
    if (c < 0x250) {
      const char* f = kTables.latin[c - 0x80];
      if (f == nullptr) {
        for (size_t j = start; j < i; ++j) feed(start, s[j]);
      } else if (*f == 0) {
        close(start);
      } else {
        for (; *f; ++f) feed(start, static_cast<unsigned char>(*f));
      }
      continue;
    }
    if (IsSeparator(c)) {
      close(start);
      continue;
    }
    // Combining diacritical marks continue the word and are dropped, so a
    // decomposed "é" folds like a precomposed one.
    if (c >= 0x300 && c <= 0x36F) {
      if (in_word) continue;
    }
    char32_t lc = Lower(c);
    if (lc == c) {
      for (size_t j = start; j < i; ++j) feed(start, s[j]);
    } else {
      char buf[4];
      std::string tmp;
      tmp.reserve(4);
      AppendUtf8(lc, tmp);
      std::memcpy(buf, tmp.data(), tmp.size());
      for (size_t j = 0; j < tmp.size(); ++j) feed(start, static_cast<unsigned char>(buf[j]));
    }
  }
  close(n);
}

std::vector<WordSpan> WordsOf(std::string_view text) {
  std::vector<WordSpan> out;
  WordsOf(text, &out);
  return out;
}

}  // namespace veille::reuse
