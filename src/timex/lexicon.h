// lexicon.h: the cue words of time expressions (data/timex/<lang>.tsv) and
// the tokens the recogniser walks (internal to src/timex).
#ifndef VEILLE_TIMEX_LEXICON_H_
#define VEILLE_TIMEX_LEXICON_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "veille/result.h"

namespace veille::timex {

// Word classes of data/timex/*.tsv (the comment at the top of fr.tsv says
// what each one means).
enum class Cls : uint8_t {
  kMonth,
  kWeekday,
  kNumber,
  kOrdinal,
  kUnit,
  kSeason,
  kPartOfDay,
  kClock,
  kDeictic,
  kRelDay,
  kRef,
  kPast,
  kFuture,
  kThis,
  kDet,
  kApprox,
  kMore,
  kLess,
  kStart,
  kMid,
  kEnd,
  kEach,
  kEvery,
  kSet,
  kVague,
  kAgo,
  kIn,
  kAt,
  kHour,
  kLocal,
  kYear,
  kDecade,
  kNonYear,
  kTensePast,
  kTenseFuture,
  kSuffixPast,
  kSuffixFuture,
  kOn,
  kDurHead,
  kNotDay,
  kSpan,
  kTenseGo,
  kCount
};

struct Entry {
  Cls cls;
  std::vector<std::string> words;  // the phrase's tokens after the first (folded)
  std::string value;
};

// The longest entry of one class that matches from a token.
struct Hit {
  Cls cls;
  uint32_t end;              // one past its last token
  const std::string* value;  // the entry's value
};

struct Token {
  uint32_t begin = 0, end = 0;  // bytes in the text
  std::string_view key;         // lowercased (accents kept), in the tokenizer's arena
  std::string_view fold;        // lowercased, accents removed; empty when equal to key
  bool digits = false;          // all ASCII digits
  bool space_before = false;    // whitespace between the previous token and this one
  bool upper = false;           // starts with a capital letter
  bool sentence_start = false;  // first token of a sentence
  int num = -1;                 // value of a digit token (capped)
  uint32_t sentence = 0;        // index of its sentence
  uint64_t classes = 0;         // bit c set: an entry of class c matches from here
  uint32_t hit0 = 0;            // its matches: hits[hit0, hit0 + nhits) (Classify)
  uint32_t nhits = 0;
  std::string_view folded() const { return fold.empty() ? key : fold; }
};

// Splits `text` into word, number and punctuation tokens: digits and
// letters apart (12h30 → 12 h 30), hyphens and slashes as tokens, an elided
// article with its apostrophe (l' an), sentence indexes.
// The tokens' keys live in `arena`, which must outlive them (it is reserved
// once: it never reallocates while tokenizing).
std::vector<Token> Tokenize(std::string_view text, std::string& arena);

// Lowercases `s` (ASCII and Latin-1 capitals, Œ) into `out`; with
// `fold`, also drops the accents of Latin letters (é → e, œ → oe).
void Lower(std::string_view s, bool fold, std::string& out);

// An open-addressing table from a first word to its entries, built once:
// most words of a text are not cue words and are turned away by their
// length or their 64-bit hash, without a string comparison.
class WordTable {
 public:
  void Build(std::unordered_map<std::string, std::vector<Entry>> words);
  const std::vector<Entry>* Find(std::string_view word) const;

 private:
  struct Slot {
    uint64_t hash = 0;
    int32_t index = -1;
  };
  std::vector<Slot> slots_;
  std::vector<std::string> keys_;
  std::vector<std::vector<Entry>> entries_;
  uint64_t mask_ = 0;
  size_t max_len_ = 0;
  uint64_t lengths_[256] = {};  // bit n of [c]: a key of n bytes starts with byte c
};

class Lexicon {
 public:
  // Reads `path` (class<TAB>phrase<TAB>value lines); the error names file:line.
  static Result<Lexicon> Load(const std::string& path);

  // Matches the entries that start at each token (one lookup per token)
  // into `hits`, and sets each token's classes and hit range.
  void Classify(std::vector<Token>& toks, std::vector<Hit>& hits) const;
  // Word endings of class c (suffix_past, suffix_future).
  const std::vector<std::string>& Suffixes(Cls c) const { return suffixes_[int(c)]; }

 private:
  WordTable by_key_;   // first word, accents kept
  WordTable by_fold_;  // first word, folded
  std::vector<std::string> suffixes_[int(Cls::kCount)];
};

// The lexicons of "fr" and "en", loaded once; nullptr for another language
// or when loading failed (LoadStatus() has the error).
const Lexicon* LexiconFor(std::string_view lang);

}  // namespace veille::timex

#endif  // VEILLE_TIMEX_LEXICON_H_
