// text.h: the text analyzer shared by indexing, querying and snippets, and the
// SQLite FTS5 tokenizer built on it.
//
// In:  UTF-8 text (invalid bytes are tolerated and treated as separators) and
//      the ISO 639-1 language of that text.
// Out: index terms with byte offsets into the input. A term is the word
//      case-folded, accent-folded (NFKD minus combining marks, plus the extra
//      letter mappings of data/text/fold.tsv such as œ -> oe), with French and
//      Italian elisions stripped (l'État -> etat, data/text/elisions.txt),
//      stop words dropped (data/stopwords/<lang>.txt) and Snowball-stemmed in
//      the text's language. Words split on hyphens, apostrophes and every
//      other non-alphanumeric character; numbers are terms; Han, Hiragana and
//      Katakana characters are one term each (those scripts have no spaces).
// Thread-safety: a TextAnalyzer is immutable after Create(); every const
//      method may be called from many threads at once. Snowball stemmers are
//      not thread-safe, so each thread keeps its own (thread_local).
//
// The analysis chain, in order: tokenize -> fold -> elision -> stop words ->
// stem (on the lower-cased, still accented word, because Snowball's French
// rules need the accents) -> fold the stem. Folding the stem afterwards makes
// "capturé", "capturés" and "captures" all index as "captur".
//
// Analysed terms are fixed points: analysing a term again with no language
// yields the same single term. The FTS5 query path relies on that (see
// query.h).
#ifndef VEILLE_TEXT_H_
#define VEILLE_TEXT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "veille/result.h"

struct sqlite3;
struct fts5_api;

namespace veille {

struct Token {
  std::string term;
  uint32_t begin = 0;  // byte offsets of the word in the analysed input
  uint32_t end = 0;
};

// Receives each term as it is produced; returns false to stop the analysis.
// `term` is only valid during the call.
using TokenSink = bool (*)(void* ctx, std::string_view term, uint32_t begin, uint32_t end);
// The same, with `colocated` set for a stop-word gram (AnalyzeForIndex).
using IndexSink = bool (*)(void* ctx, std::string_view term, uint32_t begin, uint32_t end,
                           bool colocated);

// Stop words take no position in the index, so that ranking and phrases see
// only the words that carry the topic; phrases made only of stop words
// ("celle qui", "il y a") are found through stop-word grams instead. Each
// run of consecutive stop words (punctuation ignored, as in phrases) gives
// its distinct sequences of 2 to kMaxStopGram words as single terms, the
// words joined by kStopGramSeparator ("celle_qui", "il_y_a"), indexed at the
// position of the term that follows the run (the last term's for a run that
// ends the text) without taking a position of their own: document lengths,
// positions and therefore every score stay what they are without them.
// Analysed words never contain the separator, so grams never collide with
// them.
inline constexpr size_t kMaxStopGram = 4;
inline constexpr char kStopGramSeparator = '_';
// The gram of consecutive folded stop words.
std::string StopGram(const std::vector<std::string_view>& words);

class TextAnalyzer {
 public:
  // Loads the stop-word lists (data/stopwords/<lang>.txt), the elision list
  // and the extra folding table via DataPath(), and builds the per-character
  // tables (about 1 MB). Fails with NotFound/BadInput if a data file is
  // missing or malformed.
  static Result<std::unique_ptr<TextAnalyzer>> Create();
  ~TextAnalyzer();
  TextAnalyzer(const TextAnalyzer&) = delete;
  TextAnalyzer& operator=(const TextAnalyzer&) = delete;

  // Appends the index terms of `text` in order. `language` (ISO 639-1) picks
  // the Snowball stemmer and stop words; an unknown or empty language folds
  // only: no stemming, no stop words.
  void Analyze(std::string_view text, std::string_view language, std::vector<Token>* out) const;
  // The same terms, streamed to `sink` without building Token objects (the
  // FTS5 tokenizer uses this). Stops early when the sink returns false.
  void Analyze(std::string_view text, std::string_view language, TokenSink sink, void* ctx) const;
  // Analyze's terms and, after each, the stop-word grams of the run of stop
  // words just before it, with `colocated` set (see kMaxStopGram above): the
  // terms the FTS5 tokenizer indexes for a document.
  void AnalyzeForIndex(std::string_view text, std::string_view language, IndexSink sink,
                       void* ctx) const;
  // The same tokens at the same offsets, each given folded but not stemmed:
  // cheaper, for when only the positions matter (the n-th token here is the
  // n-th term of Analyze, stop words being dropped by both).
  void Tokenize(std::string_view text, std::string_view language, TokenSink sink, void* ctx) const;

  // Case + accent + apostrophe folding and elision stripping of one word, no
  // stemming, no stop words ("L’État" -> "etat"). Separators inside the word
  // are removed ("États-Unis" -> "etatsunis"); use Analyze to split.
  std::string Fold(std::string_view word) const;

  // Whether `folded_word` (an output of Fold) is a stop word in `language`.
  bool IsStopWord(std::string_view folded_word, std::string_view language) const;

  // Spellings with accents of a query word typed without them, for the
  // endings listed in data/text/accent_variants.tsv ("elysee", "fr" ->
  // {"elysée"}): Snowball stems some accented endings differently, and
  // articles are written with accents. `folded_word` must be a Fold output.
  std::vector<std::string> AccentVariants(std::string_view folded_word,
                                          std::string_view language) const;

  // ISO 639-1 codes of the languages that have a Snowball stemmer, sorted.
  std::vector<std::string> Languages() const;

  struct Tables;  // private: character tables and word lists

 private:
  explicit TextAnalyzer(std::unique_ptr<Tables> t);
  std::unique_ptr<Tables> t_;
};

// Normalised form of a whole text for exact-duplicate detection: case folded
// (accents kept), runs of Unicode white space collapsed to one space, trimmed.
// Invalid UTF-8 bytes are copied unchanged. ASCII runs through a table.
std::string NormalizeForHash(std::string_view text);

// Document text for the FTS5 index carries its language:
// TagLanguage("fr", text) == "\x1F" "fr" "\x1F" + text. The tokenizer strips
// the tag and analyses the rest in that language. An empty language gives an
// untagged copy of `text`.
std::string TagLanguage(std::string_view language, std::string_view text);

// Registers the FTS5 tokenizer named "veille" on `db`; `analyzer` must outlive
// `db`. Tagged input (TagLanguage) is analysed in its language; untagged
// input, which includes every query string FTS5 tokenizes, with no language
// (fold only). Queries therefore must be built by ToFts5Match (query.h), which
// emits already analysed terms that folding leaves unchanged.
Status RegisterFts5Tokenizer(sqlite3* db, const TextAnalyzer* analyzer);

// FTS5's extension API on `db` (to register tokenizers and ranking
// functions), or null if this SQLite has no FTS5.
fts5_api* GetFts5Api(sqlite3* db);

// The index terms of `text` in `language` (AnalyzeForIndex: stop-word grams
// included), space-separated, behind a marker byte that tells the "veille"
// tokenizer to emit them as they are (a term holding kStopGramSeparator as a
// colocated gram). Lets
// worker threads do the analysis that SQLite would otherwise do on the
// single writer thread; the terms are exactly those of TagLanguage(language,
// text), so either form can be inserted (and deleted) interchangeably.
std::string PreAnalyze(const TextAnalyzer& analyzer, std::string_view language,
                       std::string_view text);

}  // namespace veille

#endif  // VEILLE_TEXT_H_
