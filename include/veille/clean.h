// clean.h: cleaning stage: Unicode NFC, boilerplate removal, sentence spans.
//
// In:  RawArticle::text (valid UTF-8, original characters) and, optionally,
//      the fingerprints of lines that recur across the article's source
//      (computed by the pipeline over the corpus with
//      CandidateLineFingerprints / LineFingerprint).
// Out: Cleaned: the NFC text with boilerplate lines (share and follow prompts,
//      donation asks, credits, newsletter prompts, "read also" links, legal
//      footnotes, wire slugs, recurring lines) removed, each removed line kept
//      with its reason, paragraphs kept, and sentence spans in which glued
//      sentences ("jeudi.Le gouvernement") are split.
//      Display text keeps the original characters: no case or accent folding.
// Patterns: data/boilerplate/*.txt, one RE2 pattern a line (see
//      data/boilerplate/README.md); abbreviations for sentence splitting in
//      data/boilerplate/abbreviations.lst.
// Thread-safety: Cleaner is immutable after Create(); Clean() is const and
//      may be called from many threads at once. The free functions are pure.
#ifndef VEILLE_CLEAN_H_
#define VEILLE_CLEAN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "veille/article.h"
#include "veille/result.h"

namespace veille {

// 64-bit fingerprint of a line for the corpus-recurrence signal: NFC,
// whitespace (incl. no-break spaces) collapsed and trimmed, case folded,
// typographic apostrophes folded to '. Stable across runs and platforms.
uint64_t LineFingerprint(std::string_view line);

// Fingerprints of the lines of `text` that may count as recurring boilerplate
// (trimmed length 8..400 bytes), deduplicated per text, in order of first
// appearance.
std::vector<uint64_t> CandidateLineFingerprints(std::string_view text);

// Sentence spans (byte offsets into `text`, whitespace trimmed) using the
// abbreviation list in data/boilerplate/abbreviations.lst (loaded once).
// A line break always ends a sentence; a full stop glued to the next
// sentence ("blessés\".L'incident", "jeudi.Le") is a boundary; abbreviations
// ("M. Macron"), initials ("J.-P."), decimals ("3.5", "16.000") and URLs are
// not.
std::vector<Span> SplitSentences(std::string_view text);

// Which pattern removed each line of a Cleaned::removed (same order): an
// index for Cleaner::pattern_label, -1 for the recurring-line signal. Used
// to measure patterns over a corpus.
struct CleanTrace {
  std::vector<int> pattern_of_removed;
};

class Cleaner {
 public:
  // Loads data/boilerplate/*.txt via DataPath. Fails with an error naming
  // file:line for a malformed line or a pattern RE2 rejects.
  static Result<std::unique_ptr<Cleaner>> Create();
  // Same, from another folder (tests).
  static Result<std::unique_ptr<Cleaner>> CreateFromDir(const std::string& dir);

  ~Cleaner();
  Cleaner(const Cleaner&) = delete;
  Cleaner& operator=(const Cleaner&) = delete;

  // Cleans `raw_text`. `recurring`: fingerprints of lines recurring across
  // this article's source (nullptr = none). Never fails: invalid UTF-8 is
  // repaired with U+FFFD.
  Cleaned Clean(std::string_view raw_text, const std::unordered_set<uint64_t>* recurring) const;

  // As above, also recording which pattern removed what.
  Cleaned Clean(std::string_view raw_text, const std::unordered_set<uint64_t>* recurring,
                CleanTrace* trace) const;

  // Number of loaded patterns (all kinds), and "file:line reason regex" of
  // pattern `i` ("recurring" for -1).
  size_t pattern_count() const;
  std::string pattern_label(int i) const;

  struct Impl;

 private:
  explicit Cleaner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace veille

#endif  // VEILLE_CLEAN_H_
