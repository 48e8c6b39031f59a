// internal.h (private to src/text): the analyzer's tables, shared by the
// analyzer, the FTS5 tokenizer, query translation and snippets.
#ifndef VEILLE_TEXT_INTERNAL_H_
#define VEILLE_TEXT_INTERNAL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "veille/text.h"

namespace veille {

// Character classes of the tokenizer.
enum : uint8_t {
  kClsSep = 0,     // separates words: spaces, punctuation, symbols, hyphens
  kClsWord = 1,    // letters and digits
  kClsMark = 2,    // combining mark: part of the word, removed by folding
  kClsApos = 3,    // apostrophe: separator, or elision marker after l, d, qu ...
  kClsIgnore = 4,  // invisible (soft hyphen, joiners): neither joins nor splits
  kClsIdeo = 5,    // Han, Hiragana, Katakana: each character is a term
};

// Marks the language of a document text for the FTS5 tokenizer (TagLanguage).
constexpr char kLanguageTag = '\x1F';
// Marks input already analysed into space-separated terms (PreAnalyze); the
// query translation also wraps stop-word grams in it, so that the tokenizer
// passes them through unfolded.
constexpr char kPreAnalyzedTag = '\x1E';

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

struct TextAnalyzer::Tables {
  struct Cp {
    uint32_t fold_off = 0;  // folded UTF-8 in `pool`
    uint8_t fold_len = 0;
    uint8_t cls = kClsSep;
    char32_t lower = 0;  // simple case fold, accents kept (what Snowball wants)
  };
  std::vector<Cp> bmp;  // one entry per code point U+0000..U+FFFF
  std::string pool;
  uint8_t ascii_cls[128] = {};
  char ascii_fold[128] = {};
  StringSet elisions;
  struct Lang {
    std::string code;  // ISO 639-1
    int stemmer = -1;  // index into the Snowball table of analyzer.cc
    StringSet stop;    // folded stop words
  };
  std::vector<Lang> langs;
  struct Variant {
    std::string lang, ending, accented;
  };
  std::vector<Variant> variants;

  int LangIndex(std::string_view language) const;
};

// Appends the folded form of every word character of `s` to `out`.
void FoldInto(const TextAnalyzer::Tables& t, std::string_view s, std::string* out);

}  // namespace veille

#endif  // VEILLE_TEXT_INTERNAL_H_
