// article.h: the records that flow through the pipeline.
//
// In:  nothing; vocabulary types shared by every stage.
// Out: RawArticle (what a reader produces), Cleaned (what cleaning adds),
//      Analysis (what analysis adds), and Article, the three together, which
//      is what the archive stores.
// Thread-safety: plain value types.
//
// Offsets are byte offsets into the UTF-8 string they refer to.
#ifndef VEILLE_ARTICLE_H_
#define VEILLE_ARTICLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace veille {

// A problem found while reading or processing input that did not stop it:
// e.g. invalid UTF-8 that was repaired. `where` names the file (and line).
struct Diagnostic {
  enum class Severity { kWarning, kError };
  Severity severity = Severity::kWarning;
  std::string where;    // "path/to/file.jsonl:12"
  std::string message;  // "invalid UTF-8 at byte 40 replaced by U+FFFD"
};

// Where a web record came from: a saved page, a WARC record, a feed item.
// Empty `file` for text and JSONL input.
struct Provenance {
  std::string file;        // the input file
  std::string kind;        // "page" (.html file, WARC response/resource) or "feed" (feed item)
  std::string record_id;   // WARC-Record-ID ("<urn:uuid:...>"), or the feed item's guid
  int64_t offset = -1;     // byte offset of the WARC record (of its gzip member) in `file`
  uint64_t record = 0;     // WARC record number or feed item number, 1-based; 0 for a page file
  std::string target_uri;  // WARC-Target-URI, or the feed item's link
  std::string fetch_date;  // UTC "YYYY-MM-DDTHH:MM:SSZ": WARC-Date, file time, or the item's date
};

// One article as a reader found it. Text is valid UTF-8 (readers repair or
// reject invalid input) but otherwise untouched.
struct RawArticle {
  std::string id;      // stable id: file stem, or the JSON "id"
  std::string source;  // path (file, or file:line for JSONL) or URL
  // Articles that share a source_group come from the same publisher feed
  // (same folder, same JSONL file and outlet); cleaning uses it for the
  // "line that recurs across many articles of one source" signal.
  std::string source_group;
  std::string text;                  // body, original characters
  std::optional<std::string> title;  // headline if the input has one
  std::optional<std::string> date;   // YYYY, YYYY-MM or YYYY-MM-DD from header/metadata
  std::optional<std::string> url;
  std::optional<std::string> outlet;
  std::optional<std::string> language;  // ISO 639-1 from metadata
  std::optional<std::string> summary;
  std::string metadata_json;  // other input fields, as a JSON object ("{}" if none)
  std::vector<Diagnostic> diagnostics;
  Provenance provenance;
  // Flags the reader knows (analysis adds them to Analysis::flags), e.g.
  // "summary-only": a feed item without its full text.
  std::vector<std::string> flags;
};

// A line (or a trailing fragment of one) that cleaning removed.
struct RemovedLine {
  std::string text;
  std::string reason;  // "share-prompt", "donation", "credit", "slug", "recurring", ...
};

struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// What cleaning produces from RawArticle::text.
struct Cleaned {
  std::string text;                  // NFC, boilerplate removed, paragraphs kept
  std::vector<RemovedLine> removed;  // in order of appearance
  std::vector<Span> sentences;       // sentence spans in `text` (glued ones split)
};

// What analysis finds.
struct Analysis {
  std::string language;                     // ISO 639-1, "und" if unknown
  std::optional<std::string> date;          // as precise as the source gives
  std::optional<std::string> date_in_text;  // fuller date the text itself gives
  std::optional<std::string> outlet;
  std::vector<std::string> flags;  // e.g. "designated-organisation-footnote"
};

// A named entity found in the clean text (the extract stage's output).
struct Mention {
  std::string text;    // as written
  std::string type;    // PER, LOC, ORG
  uint32_t begin = 0;  // byte offsets in Cleaned::text
  uint32_t end = 0;
  std::string canonical;  // canonical name within the article / alias table
  std::string role;       // apposition ("porte-parole du Kremlin") or ""
};

// A direct quotation and who said it.
struct QuoteSpan {
  std::string text;    // the quoted words, without the marks
  uint32_t begin = 0;  // byte offsets in Cleaned::text
  uint32_t end = 0;
  std::optional<std::string> speaker;  // canonical name, or none
  std::string speaker_mention;         // the words that designate the speaker
  std::string speaker_role;            // "porte-parole des talibans", ...
  std::string cue;                     // "a déclaré", "selon", "said", ...
  // named | role | anonymous | organisation, or "" when nobody is designated
  // (see veille::SpeakerKind in quotes.h).
  std::string speaker_kind;
  float confidence = 0;  // how sure the attribution is, in [0, 1]
  bool partial = false;  // words quoted inside the writer's own sentence
};

// A dated event the events stage found in a sentence (veille/events.h):
// (actor, action, target, place, date), the actor and target resolved to the
// article's canonical entities where they are entities.
struct EventSpan {
  std::string action;       // capture, fall, flee, ... (data/events/actions.txt)
  std::string actor;        // canonical entity name, or ""
  std::string target;       // canonical entity name, or ""
  std::string place;        // canonical place name, or ""
  std::string date;         // YYYY-MM-DD, YYYY-MM or YYYY, or "" (undated)
  std::string date_source;  // "event" (its own time expression), "sentence", "article", ""
  uint32_t begin = 0;       // the trigger words: byte offsets in Cleaned::text
  uint32_t end = 0;
  uint32_t sentence_begin = 0;  // the sentence that reports it
  uint32_t sentence_end = 0;
  std::string source;     // who reports it (a quote's speaker, the subject of "a déclaré"), or ""
  bool reported = false;  // alleged: conditional ("auraient capturé") or reported speech
};

struct Article {
  RawArticle raw;
  Cleaned clean;
  Analysis analysis;
  std::vector<Mention> entities;  // in text order
  std::vector<QuoteSpan> quotes;  // in text order
  std::vector<EventSpan> events;  // in text order
  // Full-text index terms of the title and clean text (PreAnalyze), computed
  // by the pipeline's workers; empty = let the FTS5 tokenizer analyse.
  std::string index_title, index_body;
  // The same for each quote's text (one per quote, or none at all).
  std::vector<std::string> index_quotes;
};

}  // namespace veille

#endif  // VEILLE_ARTICLE_H_
