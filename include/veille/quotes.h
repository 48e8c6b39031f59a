// quotes.h: direct quotations and who said them, in French and English.
//
// In:  clean article text (UTF-8, paragraphs separated by newlines, possibly
//      glued wire paragraphs such as `blessés".L'incident`), its language
//      (ISO 639-1, may be empty), and optional speaker hints: the named
//      entities the entity stage found (may be empty, then capitalised name
//      sequences are detected here as a fallback).
// Out: one Quote per direct quotation: the quoted words and their byte
//      offsets, the speaker's canonical name (or nothing when the article
//      names no one), the words that designate the speaker, their role, and
//      the speech cue. Also the scoring used by the evaluations (gold seeds,
//      PolNeAR).
// Thread-safety: a QuoteExtractor is immutable after Create(); Extract() may
//      be called from many threads at once.
//
// Linguistic resources (speech cues, role nouns, pronouns, function words)
// are data files under data/quotes/, loaded once by Create().
#ifndef VEILLE_QUOTES_H_
#define VEILLE_QUOTES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veille/result.h"

namespace veille {

// A named thing the entity stage found in the article. `type` is PER, ORG or
// LOC; offsets are bytes into the clean text; `canonical` is the article-wide
// name the mention resolves to (empty: use `text`).
struct SpeakerHint {
  std::string text;
  std::string type;
  uint32_t begin = 0, end = 0;
  std::string canonical;
};

struct Quote {
  std::string text;                             // quoted words, without the marks
  uint32_t begin = 0, end = 0;                  // byte offsets of the quoted words
  std::optional<std::string> speaker;           // canonical name, or none
  std::string speaker_mention;                  // words designating the speaker here
  std::string speaker_role;                     // "porte-parole des talibans", ...
  std::string cue;                              // "a déclaré", "selon", "said", ...
  uint32_t speaker_begin = 0, speaker_end = 0;  // offsets of speaker_mention
  // Words quoted inside the writer's own sentence (a menacé de « conséquences
  // sérieuses », called it "a disaster"): a word precedes the opening mark
  // and no speech cue is within the two words before it. Otherwise the quote
  // is a direct quotation standing on its own (X a déclaré : « … », « … »,
  // a-t-il dit, told reporters "…").
  bool partial = false;
};

class QuoteExtractor {
 public:
  // Loads data/quotes/* (via DataPath). Fails with the file name if one is
  // missing or malformed.
  static Result<std::unique_ptr<QuoteExtractor>> Create();
  // Same, from an explicit folder (tests, tools).
  static Result<std::unique_ptr<QuoteExtractor>> CreateFrom(const std::string& dir);

  ~QuoteExtractor();
  QuoteExtractor(const QuoteExtractor&) = delete;
  QuoteExtractor& operator=(const QuoteExtractor&) = delete;

  // Returns the quotations of `clean_text` in text order: non-overlapping,
  // begin < end <= clean_text.size(). Thread-safe.
  std::vector<Quote> Extract(std::string_view clean_text, std::string_view language,
                             const std::vector<SpeakerHint>& hints) const;

  struct Lexicon;  // defined in src/quotes/lexicon.h

 private:
  explicit QuoteExtractor(std::unique_ptr<Lexicon> lex);
  std::unique_ptr<Lexicon> lex_;
};

// ------------------------------------------------------------ evaluation --

// Normalisation used to compare quote texts and names: NFC-insensitive
// enough for our corpora (lowercase, ’ → ', quotes and spaces collapsed).
std::string NormalizeForMatch(std::string_view s);

// How many characters (code points) of `gold` are covered by `pred` after
// normalisation, as a fraction of gold's length: the longest common
// substring ratio. 1.0 = gold entirely inside pred.
double QuoteOverlap(std::string_view gold, std::string_view pred);

struct QuoteScore {
  int gold = 0;           // gold quotes
  int predicted = 0;      // predicted quotes (ignored ones excluded)
  int matched_gold = 0;   // gold quotes matched by a prediction
  int matched_pred = 0;   // predictions matching a gold quote
  int speaker_gold = 0;   // matched gold quotes that have a speaker
  int speaker_right = 0;  // ... whose predicted speaker is right
  double precision() const { return predicted ? double(matched_pred) / predicted : 1.0; }
  double recall() const { return gold ? double(matched_gold) / gold : 1.0; }
  double f1() const {
    double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
  double speaker_accuracy() const {
    return speaker_gold ? double(speaker_right) / speaker_gold : 1.0;
  }
  void Add(const QuoteScore& o);
  std::string Summary() const;      // one human-readable line
  std::vector<std::string> errors;  // one line per miss / false alarm / wrong speaker
};

// Scores `./seeds`-style gold (see ../shared/gold/README.md): for each
// article file `<dir>/<key>.txt` in `gold_json`, strips the date marker and
// headline, extracts without hints and compares.
Result<QuoteScore> EvaluateSeeds(const QuoteExtractor& ex, const std::string& dir,
                                 const std::string& gold_json);

// Scores a PolNeAR folder (text/ and attributions/ in brat format): gold
// direct quotes are Content spans inside quotation marks, their speaker the
// linked Source span. A predicted speaker is right when its mention overlaps
// the Source span or its name shares a capitalised word with it.
Result<QuoteScore> EvaluatePolnear(const QuoteExtractor& ex, const std::string& dir);

}  // namespace veille

#endif  // VEILLE_QUOTES_H_
