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

#include <array>
#include <cstdint>
#include <map>
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

// What designates the speaker of a quote.
enum class SpeakerKind : uint8_t {
  kNone,          // nobody: the text gives no speaker
  kNamed,         // a person the article names (speaker = the name)
  kRole,          // an identifiable office the article does not name (le porte-parole
                  // des talibans): speaker none, speaker_role says which
  kAnonymous,     // a source the text leaves unnamed (un responsable, une source
                  // proche du dossier, sous couvert d'anonymat): speaker none
  kOrganisation,  // an institution speaking as such (le Quai d'Orsay, the Kremlin):
                  // speaker = its canonical name
};
// "", "named", "role", "anonymous", "organisation".
const char* SpeakerKindName(SpeakerKind kind);

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
  SpeakerKind speaker_kind = SpeakerKind::kNone;
  // How sure the attribution is, in [0, 1]: the weight (data/quotes/
  // confidence.txt) of the way the speaker was found (a name next to the
  // cue, a pronoun resolved, a continuation, ...). Below 0.5 the UI shows
  // the attribution as uncertain.
  float confidence = 0;
  // The way it was found: a key of data/quotes/confidence.txt (static
  // storage; "" when there is no speaker). Diagnostics only, not stored.
  const char* how = "";
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
  // PolNeAR: matched gold quotes whose source names someone (a capitalised
  // word other than a pronoun or determiner), and those whose speaker is
  // right; matched quotes with a gold source that got a speaker, and those
  // right (speaker precision).
  int named_gold = 0, named_right = 0;
  int attributed = 0, attributed_right = 0;
  double precision() const { return predicted ? double(matched_pred) / predicted : 1.0; }
  double recall() const { return gold ? double(matched_gold) / gold : 1.0; }
  double f1() const {
    double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
  double speaker_accuracy() const {
    return speaker_gold ? double(speaker_right) / speaker_gold : 1.0;
  }
  double named_accuracy() const { return named_gold ? double(named_right) / named_gold : 1.0; }
  double speaker_precision() const {
    return attributed ? double(attributed_right) / attributed : 1.0;
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

// ------------------------------------------------- attribution gold set --

// A hand-annotated attribution set (data/quotes/dev/*.json): ids of records
// of a JSONL corpus and, for each, its direct quotations by span, with the
// speaker (canonical name and accepted variants, or none), its kind, role,
// whether the quote is partial, and the failure classes it exercises
// (anon, channel, org, cont, coref). No article text is stored: spans are
// code point offsets into the record's "text" field, checked by a hash.
struct AttributionGoldQuote {
  uint32_t begin = 0, end = 0;  // code points of the record's text
  std::string fnv;              // FNV-1a 32 of the span's UTF-8 bytes, hex
  std::optional<std::string> speaker;
  std::vector<std::string> aliases;  // other accepted names of the speaker
  std::string kind;                  // named|organisation|anonymous|role|none
  std::string role;
  bool partial = false;
  bool speaker_optional = false;  // no speaker is also right
  std::vector<std::string> classes;
};
struct AttributionGoldArticle {
  std::string id;
  std::vector<AttributionGoldQuote> quotes;
  std::vector<std::pair<uint32_t, uint32_t>>
      ignore;  // titles, scare quotes: neither right nor wrong
};
// Reads a gold file; BadInput naming the file and article on a malformed entry.
Result<std::vector<AttributionGoldArticle>> LoadAttributionGold(const std::string& path);

struct AttributionScore {
  int articles = 0;
  int gold = 0;              // gold quotes
  int found = 0;             // ... matched by a predicted quote (80 % of their characters)
  int predicted = 0;         // predicted quotes, those on ignored spans left out
  int false_alarms = 0;      // predicted quotes matching no gold quote
  int speaker_right = 0;     // found gold quotes whose speaker is right
  int named_where_none = 0;  // a speaker given where the gold has none
  int kind_total = 0, kind_right = 0;  // found quotes whose gold kind is not "none"
  int partial_right = 0;               // found quotes whose partial flag agrees
  // class or kind -> (right, total) speakers over found quotes.
  std::map<std::string, std::pair<int, int>> by_class, by_kind;
  // Predicted confidence [0, .5), [.5, .8), [.8, 1] -> (right, total).
  std::array<std::pair<int, int>, 3> by_confidence{};
  // Missed gold quotes by form: "partial"/"full", "short" (under 5 words)
  // or "long", and "cut" (a prediction holds 30 % of it: marks paired
  // wrongly) or "absent" (none does: the quotation was dropped).
  std::map<std::string, int> missed_by_form;
  // Quote::how -> (right, total) speakers over found quotes.
  std::map<std::string, std::pair<int, int>> by_way;
  std::vector<std::string> errors;  // one line per miss, false alarm, wrong speaker

  double recall() const { return gold ? double(found) / gold : 1.0; }
  double speaker_accuracy() const { return gold ? double(speaker_right) / gold : 1.0; }
  std::string Report() const;  // a few human-readable lines
};

// Scores the quotes predicted for one gold article. `record_text` is the
// record's text field (where the gold spans point); the predictions may
// come from the cleaned text: quotes are matched by their words (80 % of a
// gold quote's characters in one prediction), not by offsets. A speaker is
// right when its folded name equals the gold name or a variant, contains it
// as whole words (Me Cloé Fonteix), or is its surname; for a gold quote
// without a speaker, only no speaker is right. Error (BadInput) when a span
// does not fit the text or its hash differs (another corpus version).
Status ScoreAttribution(const AttributionGoldArticle& gold, std::string_view record_text,
                        const std::vector<Quote>& predicted, AttributionScore* score);

}  // namespace veille

#endif  // VEILLE_QUOTES_H_
