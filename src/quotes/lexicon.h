// lexicon.h: the word classes and speech cues the quote extractor reads from
// data/quotes/, plus the small UTF-8 helpers its tokenizer shares.
#ifndef VEILLE_SRC_QUOTES_LEXICON_H_
#define VEILLE_SRC_QUOTES_LEXICON_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "veille/quotes.h"
#include "veille/result.h"

namespace veille {
namespace quotes {

// Word classes, a bit set per lowercased word.
enum WordClass : uint32_t {
  kStop = 1u << 0,
  kPrep = 1u << 1,
  kDef = 1u << 2,
  kIndef = 1u << 3,
  kPron = 1u << 4,
  kPronPl = 1u << 5,
  kAbbrev = 1u << 6,
  kParticle = 1u << 7,
  kVerbish = 1u << 8,
  kRolePer = 1u << 9,
  kRoleOrg = 1u << 10,
  kRoleHead = 1u << 11,  // first word of a two-word role
  kCueFirst = 1u << 12,  // first word of some cue form
  kCommon = 1u << 13,    // written lowercase in news: not a name when capitalised
};

enum class CueKind : uint8_t { kVerb, kPrep, kLead };

// One cue form as a sequence of lowercased words ("mis", "en", "garde").
struct CueForm {
  std::vector<std::string> words;
  CueKind kind = CueKind::kVerb;
  uint8_t langs = 0;  // kLangFr | kLangEn: which cue file it came from
};
enum : uint8_t { kLangFr = 1, kLangEn = 2 };

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using WordMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

}  // namespace quotes

struct QuoteExtractor::Lexicon {
  quotes::WordMap<uint32_t> classes;                   // word -> WordClass bits
  quotes::WordMap<std::vector<quotes::CueForm>> cues;  // first word -> forms
  quotes::WordMap<uint32_t> two_word_roles;            // "w1 w2" -> kRolePer/kRoleOrg

  // `classes` copied into an open-addressing table of power-of-two size:
  // the tokenizer looks up every word, and a modulo-free probe with an
  // inline hash is several times cheaper than std::unordered_map::find.
  std::vector<std::string> flat_keys;
  std::vector<uint32_t> flat_vals;
  uint64_t flat_mask = 0;

  static uint64_t Hash(std::string_view s) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h ^ (h >> 29);
  }
  void BuildFlat() {
    size_t cap = 16;
    while (cap < classes.size() * 2) cap *= 2;
    flat_keys.assign(cap, std::string());
    flat_vals.assign(cap, 0);
    flat_mask = cap - 1;
    for (const auto& [k, v] : classes) {
      uint64_t i = Hash(k) & flat_mask;
      while (!flat_keys[i].empty()) i = (i + 1) & flat_mask;
      flat_keys[i] = k;
      flat_vals[i] = v;
    }
  }
  uint32_t Classes(std::string_view lower) const {
    if (lower.empty() || flat_keys.empty()) return 0;
    for (uint64_t i = Hash(lower) & flat_mask;; i = (i + 1) & flat_mask) {
      const std::string& k = flat_keys[i];
      if (k.empty()) return 0;
      if (k == lower) return flat_vals[i];
    }
  }
};

namespace quotes {

// Appends the lowercase of `s` to `out` with ’ read as '. Handles ASCII,
// Latin-1 and Latin Extended-A capitals, which covers French and English.
void AppendLower(std::string_view s, std::string& out);

// Loads the lexicon from `dir` (data/quotes).
Result<std::unique_ptr<QuoteExtractor::Lexicon>> LoadLexicon(const std::string& dir);

}  // namespace quotes
}  // namespace veille

#endif  // VEILLE_SRC_QUOTES_LEXICON_H_
