// text_util.h (private): small, allocation-free text helpers for the entity
// tagger: hashing, case mapping and accent folding for the scripts news text
// uses (Latin, Greek, Cyrillic), and word shapes.
//
// In:  UTF-8 bytes. Out: hashes and folded strings. Thread-safety: pure.
//
// ICU would do case mapping more completely, but the tagger needs it on every
// token and only for features, so a table over the common ranges is enough
// and keeps the module free of heavy dependencies.
#ifndef VEILLE_SRC_ENTITIES_TEXT_UTIL_H_
#define VEILLE_SRC_ENTITIES_TEXT_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace veille::ner {

inline uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}
inline uint64_t HashBytes(std::string_view s, uint64_t seed = 0x9e3779b97f4a7c15ULL) {
  uint64_t h = seed ^ (s.size() * 0x100000001b3ULL);
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return Mix(h);
}
inline uint64_t Combine(uint64_t a, uint64_t b) { return Mix(a * 0x9e3779b97f4a7c15ULL + b); }

// Decodes one code point at s[i] leniently (invalid bytes decode as
// themselves), advancing i.
char32_t NextCodePoint(std::string_view s, size_t& i);
char32_t ToLower(char32_t c);
bool IsUpper(char32_t c);
bool IsLetter(char32_t c);
bool IsDigit(char32_t c);

// Lowercase copy, with typographic apostrophes folded to '.
void LowerInto(std::string_view s, std::string& out);
// Lowercase, accents removed, ’ -> '.
void FoldInto(std::string_view s, std::string& out);
// Compressed word shape: runs of the same class collapse (Xx, X, x, d, X.X,
// Xx-Xx); other characters stand for themselves.
void ShapeInto(std::string_view s, std::string& out);

}  // namespace veille::ner

#endif  // VEILLE_SRC_ENTITIES_TEXT_UTIL_H_
