// query.h: the user query language, its translation to an FTS5 MATCH
// expression, and highlighted snippets.
//
// In:  a query as a user types it:
//        word            required (all plain words are required: AND)
//        "exact phrase"  consecutive words (also “…” and «…»)
//        a OR b          either; OR binds tighter than the implicit AND, so
//                        `kaboul taliban OR talibans` = kaboul AND (taliban OR talibans)
//        -word, -"phrase", -(a OR b), NOT word   exclusion
//        prefix*         words starting with "prefix" (folded, not stemmed)
//        ( ... )         grouping; AND between terms is optional
// Out: a ParsedQuery (the syntax tree), then an FTS5 MATCH string for the
//      archive, and snippets of matching text with the hits marked.
// Thread-safety: pure functions; ParsedQuery is a value type.
//
// How queries reach the "veille" tokenizer unchanged: ToFts5Match analyses
// every word itself (in every archive language) and emits only quoted,
// already analysed terms: `"etat uni"` for etats-unis, `("taliban" OR
// "talib")` when stems differ between languages, `"talib" *` for talib*. FTS5
// hands each quoted string to the tokenizer untagged, which folds without
// stemming; analysed terms are fixed points of folding, so they come out as
// they went in, and user text never reaches FTS5 syntax.
//
// Stop words: a word that is a stop word in any of the query languages is
// dropped (documents in that language did not index it, so requiring it would
// exclude them), except in a phrase made only of stop words, which is searched
// as a stop-word gram (MatchOptions). OR branches that become empty are
// dropped; a query left with nothing to search for is an InvalidArgument
// error.
#ifndef VEILLE_QUERY_H_
#define VEILLE_QUERY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "veille/result.h"
#include "veille/text.h"

namespace veille {

struct QueryNode {
  enum class Kind { kWord, kPhrase, kAnd, kOr };
  Kind kind = Kind::kAnd;
  std::string text;                 // kWord, kPhrase: as typed, without quotes, '-' or '*'
  bool prefix = false;              // kWord, kPhrase: trailing '*'
  bool negated = false;             // excluded ('-' or NOT); never inside an OR
  std::vector<QueryNode> children;  // kAnd, kOr
};

struct ParsedQuery {
  QueryNode root;  // always kAnd with at least one non-negated child
  // Compact form for tests and logs, e.g. AND(kaboul OR(a b*) -"x y").
  std::string DebugString() const;
};

// Parses user syntax (see the top comment). Errors (InvalidArgument, message
// meant for the user): empty query, unbalanced quote or parenthesis, OR with
// no term on one side, only exclusions, exclusion inside OR, '*' with no word,
// query longer than 4096 bytes, more than 64 terms or deeper than 16 groups.
Result<ParsedQuery> ParseQuery(std::string_view query);

// FTS5 MATCH expression for `q`, each word analysed in every language of
// `languages` (stems OR-ed when they differ; an empty list means fold only),
// hyphenated words as phrases, stop words dropped, prefix* folded but not
// stemmed. InvalidArgument if nothing searchable is left (only stop words).
Result<std::string> ToFts5Match(const ParsedQuery& q, const TextAnalyzer& analyzer,
                                const std::vector<std::string>& languages);

struct MatchOptions {
  // The index holds stop-word grams (text.h, kMaxStopGram): a phrase of two
  // or more words that are all stop words in a language ("celle qui") is
  // searched as its gram in that language (longer than kMaxStopGram words:
  // its overlapping grams, NEAR one another at distance 0) instead of being
  // dropped. Phrases mixing stop and other words are unchanged.
  bool stop_phrases = false;
};
Result<std::string> ToFts5Match(const ParsedQuery& q, const TextAnalyzer& analyzer,
                                const std::vector<std::string>& languages,
                                const MatchOptions& options);

// Whether `q` holds a phrase of two or more words all stop words in one of
// `languages`: what MatchOptions::stop_phrases is needed for.
bool HasStopPhrase(const ParsedQuery& q, const TextAnalyzer& analyzer,
                   const std::vector<std::string>& languages);

// Highlighted snippet of `text` (in `language`): the window of about
// `max_tokens` index terms with the most query hits (stop words in between
// are kept but not counted), hits wrapped in `open`/`close`, "…" where the
// text is cut. Hits are the analysed forms of the non-excluded query words in
// `language` and in `languages`. With no hit, the start of the text.
std::string MakeSnippet(const TextAnalyzer& analyzer, std::string_view text,
                        std::string_view language, const ParsedQuery& q,
                        const std::vector<std::string>& languages, size_t max_tokens = 30,
                        std::string_view open = "[", std::string_view close = "]");

// A snippet like MakeSnippet's, from where the query matched instead of the
// query: `positions` are the sorted token positions (the n-th term of
// TextAnalyzer::Analyze, as the full-text index counts them) of the matched
// terms, e.g. SearchHit::positions. The text is tokenised only up to the
// window, without stemming, so this costs a fraction of MakeSnippet.
std::string SnippetAt(const TextAnalyzer& analyzer, std::string_view text,
                      std::string_view language, const std::vector<uint32_t>& positions,
                      size_t max_tokens = 30, std::string_view open = "[",
                      std::string_view close = "]");

// MakeSnippet for many texts and one query: the query's terms are analysed
// once, in every language of `languages`. Make() gives what MakeSnippet
// gives. Keeps references to its arguments; not thread-safe.
class SnippetMaker {
 public:
  SnippetMaker(const TextAnalyzer& analyzer, const ParsedQuery& q,
               const std::vector<std::string>& languages);
  ~SnippetMaker();
  std::string Make(std::string_view text, std::string_view language, size_t max_tokens = 30,
                   std::string_view open = "[", std::string_view close = "]") const;

 private:
  struct Terms;
  const TextAnalyzer& analyzer_;
  const ParsedQuery& query_;
  const std::vector<std::string>& languages_;
  std::unique_ptr<Terms> terms_;
};

}  // namespace veille

#endif  // VEILLE_QUERY_H_
