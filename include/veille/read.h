// read.h: the readers. Files and folders in, raw articles out.
//
// In:  paths to text files (.txt), JSON Lines files (.jsonl, .ndjson, either
//      optionally gzip-compressed as .gz) and folders holding them.
// Out: InputReader streams InputRecords (a whole text file, or one JSONL
//      line) in a deterministic order; ParseRecord turns one record into a
//      RawArticle (id, title, date, body text ...). Problems that do not stop
//      the batch (a bad file, a truncated line, invalid UTF-8) come back as
//      Diagnostics naming the file and line.
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
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "veille/article.h"
#include "veille/result.h"

namespace veille {

// One unit of input before parsing: a whole text file or one JSONL line.
struct InputRecord {
  enum class Kind { kText, kJsonLine };
  Kind kind = Kind::kText;
  std::string source;        // "dir/a.txt" or "dir/b.jsonl.gz:12"
  std::string source_group;  // text: the parent folder path; JSONL: the file path
  std::string id_hint;       // text: file name without extension (".txt"); JSONL: empty
  std::string bytes;
};

struct ReadOptions {
  // A text file or JSONL line larger than this is reported and skipped: it is
  // a dump or a runaway crawl, not an article, and would stall the pipeline.
  size_t max_record_bytes = 16u << 20;
};

// Streams records from files and folders, sequentially, without loading a
// whole JSONL(.gz) file in memory. Folders are walked recursively and their
// files read in sorted path order, so two runs see the same sequence. Hidden
// files and folders (".name") inside a folder are skipped silently; files of
// other types (.html, .pdf, images ...) are skipped with a warning.
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
  // The files (.txt, .jsonl, .jsonl.gz) new or changed since the previous
  // call, all of them on the first, in ListInputFiles order.
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

// Parses a record into a RawArticle (text layout or JSON). Errors are
// Error::BadInput with a message naming record.source. Sets source_group:
// text, the parent folder; JSONL, the file path + "#" + outlet when the line
// names an outlet (one file can mix feeds).
Result<RawArticle> ParseRecord(const InputRecord& record);

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
