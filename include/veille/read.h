// read.h: the readers. Files and folders in, raw articles out.
//
// In:  paths to text files (.txt), JSON Lines files (.jsonl, .ndjson, either
//      optionally gzip-compressed as .gz), saved web pages (.html, .htm, and
//      .gz), WARC archives (.warc, .warc.gz; see warc.h), feeds (.rss, .atom,
//      .rdf, and .xml files whose content is a feed; see feed.h) and folders
//      holding them.
// Out: InputReader streams InputRecords (a whole text file, one JSONL line,
//      one page: a saved file or a WARC response/resource record, or one feed
//      item) in a deterministic order; ParseRecord turns one record into a
//      RawArticle (id, title, date, body text ...; for a page, through the
//      html module's charset decoding and main-content extraction). Problems
//      that do not stop the batch (a bad file, a truncated line, a damaged
//      WARC record, invalid UTF-8) come back as Diagnostics naming the file
//      and line, or record and offset.
//
// Web records carry their Provenance (file, WARC record id and offset, target
// URI, fetch date), and their id is their URL (the page's canonical URL, else
// the target URI or the item's link) as NormalizeUrl gives it: a page fetched
// twice, and a feed item and the page it links, are one article.
// Thread-safety: an InputReader is used by one thread. The Parse* functions
//      are pure and may run on many threads at once.
//
// The split lets one thread do the I/O (sequential, cheap) while workers
// parse, clean and analyse records in parallel.
//
// Text layout (the one crawlers and copy-paste produce): an optional leading
// " date YYYY-MM[-DD] " marker, on its own line or followed by the first
// paragraph; then an optional headline line; then the body. A headline is
// recognised only when the first line looks like one: short, no
// sentence-final full stop, not a photo credit, caption or list item, and
// followed by body text. Credit prefixes are data: data/read/credit_prefixes.txt.
#ifndef VEILLE_READ_H_
#define VEILLE_READ_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "veille/article.h"
#include "veille/feed.h"
#include "veille/result.h"

namespace veille {

// One unit of input before parsing: a whole text file, one JSONL line, one
// web page or one feed item.
struct InputRecord {
  enum class Kind { kText, kJsonLine, kHtml, kFeedItem };
  Kind kind = Kind::kText;
  std::string source;  // "dir/a.txt", "dir/b.jsonl.gz:12", "c.warc.gz:record 3 @ offset 812 ..."
  std::string source_group;  // text: the parent folder path; JSONL: the file path
  std::string id_hint;       // text, saved page: file name without extension; else empty
  std::string bytes;         // the file, line or page as read (a page undecoded)
  // Web records (kHtml, kFeedItem).
  std::string url;           // where the page was fetched from, "" if unknown
  std::string content_type;  // HTTP or WARC Content-Type (its charset is a hint)
  Provenance provenance;
  FeedItem item;           // kFeedItem
  std::string feed_title;  // kFeedItem: the feed's title and language
  std::string feed_language;
};

struct ReadOptions {
  // A text file, JSONL line or web page (decoded) larger than this is
  // reported and skipped: it is a dump or a runaway crawl, not an article,
  // and would stall the pipeline.
  size_t max_record_bytes = 16u << 20;
  // When set, a feed item of a feed inside a WARC file whose link (as
  // NormalizeUrl gives it) it answers true for is not read: the caller
  // (a crawl) has the page the item links, which is the article.
  std::function<bool(const std::string& url)> skip_feed_item;
};

// Streams records from files and folders, sequentially, without loading a
// whole JSONL(.gz) file in memory. Folders are walked recursively and their
// files read in sorted path order, so two runs see the same sequence. Hidden
// files and folders (".name") inside a folder are skipped silently; files of
// other types (.pdf, images ...) are skipped with a warning. In a WARC file,
// request, metadata and warcinfo records are skipped silently, responses that
// are not pages (images, scripts, redirects, errors) are counted, and revisit
// records (no payload) are counted: one warning at the end of the file gives
// the counts.
// Not thread-safe (one reader thread).
class InputReader {
 public:
  // Error (NotFound) if a path does not exist; the caller owns the reader.
  static Result<std::unique_ptr<InputReader>> Open(const std::vector<std::string>& paths,
                                                   const ReadOptions& options = {});
  ~InputReader();
  InputReader(const InputReader&) = delete;
  InputReader& operator=(const InputReader&) = delete;

  // Fills *record with the next record; returns false at the end. Problems
  // are appended to *diagnostics and the offending record or file skipped;
  // diagnostics may be appended by a call that then returns false.
  bool Next(InputRecord* record, std::vector<Diagnostic>* diagnostics);

  uint64_t bytes_done() const;   // input bytes (on disk, compressed) consumed so far
  uint64_t bytes_total() const;  // total input bytes on disk of the files to read
  uint64_t files_done() const;   // files finished (read to the end or skipped)

 private:
  struct Impl;
  explicit InputReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The files an InputReader opened on `paths` reads: files named as they are,
// folders walked recursively without hidden entries, each folder's files in
// byte-wise path order. NotFound if a path does not exist; a folder that
// cannot be listed to the end adds a problem.
Result<std::vector<std::string>> ListInputFiles(const std::vector<std::string>& paths,
                                                std::vector<Diagnostic>* problems);

// Watches input paths for readable files that appear or change (size or
// modification time), for a long-running ingest (`veille ingest --watch`).
// A file modified less than `settle` ago is left for a later call: it may
// still be being written. Not thread-safe.
class InputWatcher {
 public:
  explicit InputWatcher(std::vector<std::string> paths,
                        std::chrono::milliseconds settle = std::chrono::milliseconds(1000));
  // The readable files (text, JSONL, pages, WARC, feeds) new or changed
  // since the previous call, all of them on the first, in ListInputFiles order.
  Result<std::vector<std::string>> Changed(std::vector<Diagnostic>* problems);

 private:
  struct State {
    uintmax_t size;
    std::filesystem::file_time_type mtime;
  };
  std::vector<std::string> paths_;
  std::chrono::milliseconds settle_;
  std::map<std::string, State> seen_;
};

// Parses a record into a RawArticle (text layout, JSON, page or feed item).
// Errors are Error::BadInput with a message naming record.source. Sets
// source_group: text, the parent folder; JSONL, the file path + "#" + outlet
// when the line names an outlet (one file can mix feeds); web records, the
// URL's host (one site's pages share their boilerplate).
Result<RawArticle> ParseRecord(const InputRecord& record);

// The article id of a web record fetched from `url`: the URL as NormalizeUrl
// gives it; "" if `url` is not an http(s) URL.
std::string ArticleIdForUrl(std::string_view url);

// Parses a text file's bytes. `id` becomes RawArticle::id. Invalid UTF-8 is
// repaired with U+FFFD (a warning in RawArticle::diagnostics); a leading BOM
// is dropped and CRLF / CR line endings become LF, nothing else in the body
// changes. Error if nothing but blanks remains.
Result<RawArticle> ParseTextArticle(std::string_view id, std::string_view source,
                                    std::string_view bytes);

// Parses one JSON object: `id` (string or integer) and `text` (non-empty
// string) are required; `title`, `date`, `url`, `outlet`, `language`,
// `summary` are optional (null = absent); other fields are kept in
// metadata_json. Dates must be YYYY, YYYY-MM or YYYY-MM-DD (an ISO datetime
// is cut to its day); anything else is dropped with a warning.
Result<RawArticle> ParseJsonArticle(std::string_view line, std::string_view source);

// The date in a " date YYYY-MM[-DD]" marker or an ISO date/datetime string,
// normalised to YYYY, YYYY-MM or YYYY-MM-DD; empty if `s` is not one.
std::string NormalizeDate(std::string_view s);

}  // namespace veille

#endif  // VEILLE_READ_H_
